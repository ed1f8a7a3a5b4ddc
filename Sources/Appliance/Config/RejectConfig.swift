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

    /// Disabled, with the Raspberry Pi 5 header's GPIO17 as the output once enabled.
    public init(
        enabled: Bool = false,
        timing: Timing = .delay,
        delayMs: Int = 500,
        encoderCounts: Int = 1000,
        pulseMs: Int = 50,
        gpio: GPIOLineConfig = GPIOLineConfig(chip: "pinctrl-rp1", line: "GPIO17"),
        photoEye: GPIOLineConfig? = nil,
        encoder: GPIOLineConfig? = nil
    ) {
        self.enabled = enabled
        self.timing = timing
        self.delayMs = delayMs
        self.encoderCounts = encoderCounts
        self.pulseMs = pulseMs
        self.gpio = gpio
        self.photoEye = photoEye
        self.encoder = encoder
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
            encoder: section.optionalSection("encoder") { GPIOLineConfig.read($0, defaults: nil) }
        )
    }
}
