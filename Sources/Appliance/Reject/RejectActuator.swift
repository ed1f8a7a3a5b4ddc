import Actuate
import EagleLog
import Inspection

/// The reject actuator as the line uses it (`reject.*`, when enabled): the GPIO lines opened by
/// chip label, the ``RejectScheduler`` on its own thread, and the line's health turned into the
/// ready output and the fail-safe. The line hands it each part record at its observer point
/// (``submit(_:)``); the scheduler keeps its own FIFO of parts in flight and never reads the journal.
public final class RejectActuator: Sendable {
    public let scheduler: RejectScheduler
    private let logger: Logger
    private let recorder: (any PartRecorder)?
    /// Whether parts are announced by a photo-eye before their verdict (else each part record
    /// is a part, taken at its frame's capture time).
    private let announced: Bool

    /// Opens the configured lines and prepares the scheduler (not started). Throws a
    /// ``GPIOError`` naming the chip or line that could not be had.
    public init(config: RejectConfig, trigger: LineConfig.Trigger = .freeRun, recorder: (any PartRecorder)?, logger: Logger) throws {
        let reject = try Self.output(config.gpio)
        let ready = try config.ready.map(Self.output)
        let encoder = try config.encoder.map { try Self.input($0, edges: .rising) }
        let confirm = try config.confirm.map { try Self.input($0, edges: .rising) }
        self.logger = logger
        self.recorder = recorder
        announced = trigger == .photoEye
        scheduler = RejectScheduler(
            policy: RejectPolicy(config, trigger: trigger), lines: .init(reject: reject, ready: ready, encoder: config.timing == .encoder ? encoder : nil,
                                                       confirm: confirm),
            logger: logger,
            onResult: { result in
                recorder?.recordRejectResult(result)
                if result.outcome == .missed {
                    logger.warning("a part left the actuator without its reject", ["part_id": "\(result.id)", "cause": result.cause ?? ""])
                }
            },
            onAlarm: { message in
                recorder?.note(JournalEvent(kind: .health, component: "actuator", message: message, fields: ["state": "alarm"]))
            })
        if config.debounceRequested && !GPIOLibrary.hasDebounce {
            logger.warning("debounce_us is ignored: libgpiod \(GPIOLibrary.version) cannot ask the kernel to debounce")
        }
    }

    /// Starts the scheduler's thread: outputs inactive until a part or health says otherwise.
    public func start() { scheduler.start() }

    /// A part a photo-eye edge at `time` (CLOCK_MONOTONIC ns) announced, before its verdict.
    public func announce(_ id: PartID, at time: UInt64) {
        scheduler.add(id, at: time, action: nil)
    }

    /// A part the line decided: the verdict of an announced part, or (free running) a part
    /// taken at its frame's capture time. A verdict after its part reached the actuator is
    /// counted as late (the part took the undecided action). A part the expert did not judge
    /// (no frame, camera lost, over budget) that is rejected ends fail-safe rejected, with the
    /// reason as its cause.
    public func submit(_ part: Part) {
        let notInspected = part.isInspected ? nil : part.reason.rawValue
        if announced {
            scheduler.decide(part.id, action: part.action, notInspected: notInspected)
        } else if let frame = part.frame {
            scheduler.add(part.id, at: frame.monotonicNanoseconds, action: part.action, notInspected: notInspected)
        }
    }

    /// The line's health now: the ready output follows `overall == ok`; a lost camera or a
    /// failing expert is a fault (parts fail-safe rejected as `reject.on_fault` says).
    public func update(_ health: LineHealth) {
        let faulted = health.components.contains { ($0.name == "camera" || $0.name == "expert") && $0.state == .failed }
        scheduler.setHealth(ready: health.overall == .ok, faulted: faulted)
    }

    /// The actuator's own alarm (a pulse not confirmed, an output that failed); nil while none.
    public var alarm: String? { scheduler.alarm }

    public var counters: RejectCounters { scheduler.counters }

    /// Stops the scheduler: parts in flight end, both outputs inactive, lines released.
    public func stop() {
        scheduler.stop()
        scheduler.lines.reject.close()
        scheduler.lines.ready?.close()
        scheduler.lines.encoder?.close()
        scheduler.lines.confirm?.close()
    }

    private static func output(_ line: GPIOLineConfig) throws -> GPIOOutput {
        try GPIOChip(label: line.chip).requestOutput(line.line, activeLow: line.activeLow)
    }

    /// Requests an input as configured (the photo-eye, the encoder, the confirm sensor).
    public static func input(_ line: GPIOLineConfig, edges: GPIOInput.Edges) throws -> GPIOInput {
        try GPIOChip(label: line.chip).requestInput(line.line, activeLow: line.activeLow, bias: line.bias, edges: edges,
                                                    debounceMicroseconds: line.debounceUs)
    }
}

extension RejectConfig {
    /// Whether any input asks for debouncing.
    var debounceRequested: Bool {
        [photoEye, encoder, confirm].contains { ($0?.debounceUs ?? 0) > 0 }
    }
}

extension RejectPolicy {
    /// The scheduler's policy from `reject.*`. Only free-running capture holds the output
    /// through a fault: with a photo-eye, each part passing during it is rejected by itself.
    public init(_ config: RejectConfig, trigger: LineConfig.Trigger) {
        let timing: Timing = config.timing == .delay
            ? .delay(nanoseconds: UInt64(config.delayMs) * 1_000_000)
            : .encoder(counts: UInt32(clamping: config.encoderCounts))
        self.init(timing: timing, pulseNanoseconds: UInt64(config.pulseMs) * 1_000_000, onUndecided: config.onUndecided,
                  rejectWhileFaulted: config.onFault == .reject, holdWhileFaulted: config.onFault == .reject && trigger == .freeRun,
                  confirmNanoseconds: config.confirm == nil ? nil : UInt64(config.confirmMs) * 1_000_000)
    }
}
