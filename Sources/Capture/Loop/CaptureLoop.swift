import EagleLog
import Foundation
import Imaging

/// Runs a frame source on its own thread, keeps it alive, and hands the newest decoded frame
/// to the consumer.
///
/// - Decoding happens here, so every frame is checked and a corrupt one is counted and skipped
///   whether or not the consumer would have taken it; bad data never ends the loop.
/// - When the source fails (ENODEV/EIO after an unplug, no frame within the timeout, a device
///   that cannot be opened) the health becomes ``CaptureHealth/cameraLost(reason:)``, the source
///   is closed and a new one is made and started after an exponential back-off, until it
///   streams again. Each change of health is logged once, not every retry.
/// - The hand-off holds one frame: the consumer always gets the freshest, and a frame replaced
///   before it was taken counts as ``CaptureCounters/droppedBusy``.
///
/// A dedicated thread rather than a task: the source blocks in `poll(2)` for up to its
/// timeout, which must not tie up a thread of the cooperative pool the pipeline uses.
public final class CaptureLoop: @unchecked Sendable {
    /// Makes a fresh, not yet started source; called again for every reopen.
    public typealias SourceFactory = @Sendable () throws -> any FrameSource

    private let makeSource: SourceFactory
    private let policy: RecoveryPolicy
    private let logger: Logger
    private let onHealthChange: (@Sendable (CaptureHealth) -> Void)?
    private let mailbox = LatestValueMailbox<CapturedFrame>()
    private let stopSignal: StopSignal

    // Guarded by `state`.
    private let state = MonotonicCondition()
    private var currentHealth: CaptureHealth = .starting
    private var currentCounters = CaptureCounters()
    private var currentStream: StreamInfo?
    private var launched = false
    private var finished = false

    /// - Parameters:
    ///   - policy: back-off between reopen attempts.
    ///   - onHealthChange: called on the capture thread at every change of ``CaptureHealth/name``;
    ///     it must return quickly and must not call ``stop()``.
    ///   - makeSource: builds the source; called for the first open and every reopen.
    /// - Throws: ``SystemCallError`` when no descriptor is left for the stop signal.
    public init(policy: RecoveryPolicy = RecoveryPolicy(), logger: Logger = Logger(label: "capture"),
                onHealthChange: (@Sendable (CaptureHealth) -> Void)? = nil,
                makeSource: @escaping SourceFactory) throws {
        self.makeSource = makeSource
        self.policy = policy
        self.logger = logger
        self.onHealthChange = onHealthChange
        self.stopSignal = try StopSignal()
    }

    /// A loop over the source the settings describe (camera, folder or synthetic line).
    public convenience init(settings: CaptureSettings, policy: RecoveryPolicy = RecoveryPolicy(),
                            logger: Logger = Logger(label: "capture"),
                            onHealthChange: (@Sendable (CaptureHealth) -> Void)? = nil) throws {
        try self.init(policy: policy, logger: logger, onHealthChange: onHealthChange) {
            try settings.makeSource(logger: logger.labeled("camera"))
        }
    }

    /// The current health.
    public var health: CaptureHealth { state.locked { currentHealth } }
    /// A snapshot of the counters.
    public var counters: CaptureCounters { state.locked { currentCounters } }
    /// What the source negotiated when it last started; nil before.
    public var stream: StreamInfo? { state.locked { currentStream } }

    /// Starts the capture thread. Later calls do nothing.
    public func start() {
        let first: Bool = state.locked {
            defer { launched = true }
            return !launched
        }
        guard first else { return }
        logger.info("capture starting")
        let thread = Thread { [self] in
            // Named from inside: only then does Foundation give the name to the kernel thread
            // (`top -H`, /proc/PID/task/*/comm), not when it is set before `start()`.
            Thread.current.name = "capture"
            run()
        }
        thread.start()
    }

    /// Stops the loop and waits until the source is closed. Idempotent; safe from any thread
    /// but the capture thread itself (the health callback).
    public func stop() {
        stopSignal.signal()
        let running: Bool = state.locked {
            if !launched {
                launched = true
                finished = true
            }
            return !finished
        }
        if !running {
            mailbox.close()
            transition(to: .stopped)
            return
        }
        _ = waitUntilFinished(timeout: nil)
    }

    /// Waits until the loop has ended (stopped, or the source ran out). Returns false on timeout.
    public func waitUntilFinished(timeout seconds: Double?) -> Bool {
        let deadline = seconds.map { MonotonicClock.now() &+ UInt64(max(0, $0) * 1e9) }
        return state.locked {
            while !finished {
                if !state.wait(until: deadline), !finished { return false }
            }
            return true
        }
    }

    /// The newest frame, waiting up to `seconds` (nil: until one comes or the loop ends).
    /// Returns nil on timeout or once the loop has ended and the last frame was taken.
    public func nextFrame(timeout seconds: Double?) -> CapturedFrame? {
        let frame = mailbox.take(timeoutNanoseconds: seconds.map { UInt64(max(0, $0) * 1e9) })
        if frame != nil { state.locked { currentCounters.delivered += 1 } }
        return frame
    }

    // MARK: - The capture thread

    private func run() {
        defer { finish() }
        let decoder: FrameDecoder
        do {
            decoder = try FrameDecoder()
        } catch {
            transition(to: .cameraLost(reason: "\(error)"))
            return
        }
        var failures = 0
        var sessions = 0
        var lostAt: UInt64?
        var corruptLog = CorruptFrameLog()
        while !stopSignal.isSignalled {
            var source: (any FrameSource)?
            do {
                let opened = try makeSource()
                source = opened
                let info = try opened.start()
                sessions += 1
                let reopened = sessions > 1
                state.locked {
                    currentStream = info
                    if reopened { currentCounters.reopened += 1 }
                }
                var tracker = SequenceTracker()
                var live = false
                events: while true {
                    let event = try opened.next(stop: stopSignal)
                    if !live, event.provesLiveness {
                        live = true
                        failures = 0
                        if let since = lostAt {
                            let seconds = Double(MonotonicClock.now() - since) / 1e9
                            logger.notice("camera back", ["source": opened.name, "after_s": String(format: "%.1f", seconds)])
                            lostAt = nil
                        }
                        transition(to: .streaming, detail: ["stream": info.description])
                    }
                    switch event {
                    case .frame(let frame):
                        let missed = tracker.record(frame.sequence)
                        let image: RGBImage
                        let decodeStart = MonotonicClock.now()
                        do {
                            image = try decoder.decode(frame)
                        } catch {
                            count(missed: missed, corrupt: true)
                            corruptLog.note("\(error)", logger: logger, source: opened.name)
                            continue events
                        }
                        let decoded = CapturedFrame(frame: frame, image: image,
                                                    decodeNanoseconds: MonotonicClock.now() - decodeStart)
                        let replaced = mailbox.publish(decoded)
                        count(missed: missed, busy: replaced)
                    case .corrupt(let sequence, let reason):
                        count(missed: sequence.map { tracker.record($0) } ?? 0, corrupt: true)
                        corruptLog.note(reason, logger: logger, source: opened.name)
                    case .end:
                        logger.info("source ended", ["source": opened.name])
                        opened.stop()
                        return
                    case .interrupted:
                        break events
                    }
                }
                opened.stop()
            } catch {
                source?.stop()
                failures += 1
                if lostAt == nil { lostAt = MonotonicClock.now() }
                transition(to: .cameraLost(reason: "\(error)"))
                let delay = policy.delay(afterFailures: failures)
                logger.debug("reopen scheduled", ["attempt": "\(failures)", "delay_s": "\(delay)"])
                if stopSignal.wait(nanoseconds: UInt64(delay * 1e9)) { break }
            }
        }
    }

    private func count(missed: UInt64, corrupt: Bool = false, busy: Bool = false) {
        state.locked {
            currentCounters.droppedByDriver += missed
            if corrupt { currentCounters.corrupt += 1 }
            if busy { currentCounters.droppedBusy += 1 }
        }
    }

    private func finish() {
        mailbox.close()
        transition(to: .stopped, detail: ["counters": counters.description])
        state.locked {
            finished = true
            state.broadcast()
        }
    }

    /// Records `health`; logs and reports it only when its name changes.
    private func transition(to health: CaptureHealth, detail: KeyValuePairs<String, String> = [:]) {
        let changed: Bool = state.locked {
            defer { currentHealth = health }
            return currentHealth.name != health.name
        }
        guard changed else { return }
        switch health {
        case .cameraLost(let reason): logger.warning("camera lost", ["reason": reason])
        case .streaming: logger.info("capture streaming", detail)
        case .stopped: logger.info("capture stopped", detail)
        case .starting: logger.info("capture starting", detail)
        }
        onHealthChange?(health)
    }
}

extension SourceEvent {
    /// Whether the event shows the source is delivering (anything but a wait that ended).
    fileprivate var provesLiveness: Bool {
        switch self {
        case .frame, .corrupt: return true
        case .end, .interrupted: return false
        }
    }
}
