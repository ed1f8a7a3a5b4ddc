import Inspection

/// The reject actuator and the sensors that time it (`reject.*`).
public struct RejectConfig: Sendable, Equatable {
    /// How the moment a part reaches the actuator is found.
    public enum Timing: String, CaseIterable, Sendable {
        /// A fixed delay after the frame's capture time: constant belt speed.
        case delay
        /// A number of encoder counts after capture: follows a belt that changes speed.
        case encoder
    }

    /// Whether rejected parts drive the actuator; off, verdicts are only recorded and published.
    public var enabled: Bool
    /// How the part's arrival at the actuator is found.
    public var timing: Timing
    /// Time from frame capture to the part reaching the actuator, in ms (`delay` timing).
    public var delayMs: Int
    /// Encoder counts from frame capture to the part reaching the actuator (`encoder` timing).
    public var encoderCounts: Int
    /// How long the actuator output is held active, in ms.
    public var pulseMs: Int
    /// The actuator's output line.
    public var gpio: GPIOLineConfig
    /// Optional photo-eye input that marks a part's arrival in front of the camera.
    public var photoEye: GPIOLineConfig?
    /// Optional belt encoder input, needed by `encoder` timing.
    public var encoder: GPIOLineConfig?
    /// What a part whose verdict has not come when it reaches the actuator gets (fail-safe: reject).
    public var onUndecided: PartAction
    /// What parts reaching the actuator while the camera is lost or the expert fails get:
    /// reject (with free-running capture the output is held for the whole fault) or pass.
    public var onFault: PartAction
    /// Optional output held active while the line is healthy, for a PLC to watch.
    public var ready: GPIOLineConfig?
    /// Optional input that turns active when the actuator moved.
    public var confirm: GPIOLineConfig?
    /// How soon after a pulse starts the confirm input must turn active, in ms.
    public var confirmMs: Int

    /// Disabled, with the Raspberry Pi 5 header's GPIO17 as the output once enabled.
    public init(
        enabled: Bool = false,
        timing: Timing = .delay,
        delayMs: Int = 500,
        encoderCounts: Int = 1000,
        pulseMs: Int = 50,
        gpio: GPIOLineConfig = GPIOLineConfig(chip: "pinctrl-rp1", line: "GPIO17"),
        photoEye: GPIOLineConfig? = nil,
        encoder: GPIOLineConfig? = nil,
        onUndecided: PartAction = .reject,
        onFault: PartAction = .reject,
        ready: GPIOLineConfig? = nil,
        confirm: GPIOLineConfig? = nil,
        confirmMs: Int = 100
    ) {
        self.enabled = enabled
        self.timing = timing
        self.delayMs = delayMs
        self.encoderCounts = encoderCounts
        self.pulseMs = pulseMs
        self.gpio = gpio
        self.photoEye = photoEye
        self.encoder = encoder
        self.onUndecided = onUndecided
        self.onFault = onFault
        self.ready = ready
        self.confirm = confirm
        self.confirmMs = confirmMs
    }
}

extension RejectConfig {
    static func read(_ section: SectionReader) -> RejectConfig {
        let defaults = RejectConfig()
        return RejectConfig(
            enabled: section.value("enabled", default: defaults.enabled, .boolean),
            timing: section.value("timing", default: defaults.timing, .choice),
            delayMs: section.value("delay_ms", default: defaults.delayMs, .integer(in: 0...60_000)),
            encoderCounts: section.value("encoder_counts", default: defaults.encoderCounts, .integer(in: 1...100_000_000)),
            pulseMs: section.value("pulse_ms", default: defaults.pulseMs, .integer(in: 1...10_000)),
            gpio: section.section("gpio") { GPIOLineConfig.read($0, defaults: defaults.gpio) } ?? defaults.gpio,
            photoEye: section.optionalSection("photo_eye") { GPIOLineConfig.read($0, defaults: nil) },
            encoder: section.optionalSection("encoder") { GPIOLineConfig.read($0, defaults: nil) },
            onUndecided: section.value("on_undecided", default: defaults.onUndecided, .choice),
            onFault: section.value("on_fault", default: defaults.onFault, .choice),
            ready: section.optionalSection("ready") { GPIOLineConfig.read($0, defaults: nil) },
            confirm: section.optionalSection("confirm") { GPIOLineConfig.read($0, defaults: nil) },
            confirmMs: section.value("confirm_ms", default: defaults.confirmMs, .integer(in: 1...10_000))
        )
    }
}
