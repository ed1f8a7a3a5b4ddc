import EagleLog
import Foundation
import Glibc
import Inspection
import Synchronization

/// Runs a ``RejectSchedule`` on a thread of its own ("reject"): sleeps to the next due moment
/// on CLOCK_MONOTONIC (absolute sleeps), reads the encoder and reject-confirm inputs as they
/// change, and drives the reject output and the ready output. Real-time priority (SCHED_FIFO)
/// when the process may have it; the log says so when it may not.
///
/// Never waits on the caller: ``add(_:)``, ``decide(_:action:)`` and ``setHealth(ready:faulted:)``
/// take a lock for a few instructions and wake the thread. The outputs start inactive (no pulse
/// at start) and are set inactive on ``stop()``.
public final class RejectScheduler: @unchecked Sendable {
    /// The lines the scheduler uses; only `reject` is required.
    public struct Lines: Sendable {
        public var reject: any DigitalOutput
        /// Held active while the line is healthy, so a PLC notices a fault or a hang.
        public var ready: (any DigitalOutput)?
        /// Encoder channel A, requested for rising edges (encoder timing).
        public var encoder: GPIOInput?
        /// A sensor that turns active when the actuator moved.
        public var confirm: GPIOInput?

        public init(reject: any DigitalOutput, ready: (any DigitalOutput)? = nil, encoder: GPIOInput? = nil, confirm: GPIOInput? = nil) {
            self.reject = reject
            self.ready = ready
            self.encoder = encoder
            self.confirm = confirm
        }
    }

    static let unconfirmedAlarm = "the reject actuator did not act: the confirm input stayed inactive after a pulse"

    /// A health report older than this counts as a hang: ready drops, the line is faulted.
    public static let healthStaleNanoseconds: UInt64 = 1_000_000_000

    public let lines: Lines
    private let logger: Logger
    private let onResult: @Sendable (RejectResult) -> Void
    private let onAlarm: @Sendable (String) -> Void
    private let state: Mutex<State>
    /// A pipe whose read end polls readable when a caller wakes the thread.
    private let wakePipe: (read: Int32, write: Int32)
    private let finished = Mutex(false)

    private struct State {
        var schedule: RejectSchedule
        var encoder = EncoderTrack()
        var stopRequested = false
        var running = false
        var healthy = false
        var faulted = false
        var healthAt: UInt64 = 0
        var ready = false
        var realTime: Bool?
        var lastAlarm: String?
    }

    /// - Parameters:
    ///   - onResult: each part's end, on the scheduler thread (must not block: queue it).
    ///   - onAlarm: the actuator did not act (no confirm) or an output failed, once per new
    ///     message (the counters count every one); on the scheduler thread.
    public init(policy: RejectPolicy, lines: Lines, capacity: Int = 1024, logger: Logger,
                onResult: @escaping @Sendable (RejectResult) -> Void = { _ in },
                onAlarm: @escaping @Sendable (String) -> Void = { _ in }) {
        self.lines = lines
        self.logger = logger
        self.onResult = onResult
        self.onAlarm = onAlarm
        state = Mutex(State(schedule: RejectSchedule(policy: policy, capacity: capacity)))
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
        }
        wakePipe = (ends[0], ends[1])
    }

    deinit {
        if wakePipe.read >= 0 { Glibc.close(wakePipe.read) }
        if wakePipe.write >= 0 { Glibc.close(wakePipe.write) }
    }

    /// The counters now.
    public var counters: RejectCounters { state.withLock { $0.schedule.counters } }
    /// Whether the thread got real-time priority; nil before it started.
    public var realTime: Bool? { state.withLock { $0.realTime } }
    /// The latest alarm (the actuator did not act, an output failed); nil while none.
    public var alarm: String? { state.withLock { $0.lastAlarm } }
    /// Clears the alarm (an operator saw to the actuator).
    public func clearAlarm() { state.withLock { $0.lastAlarm = nil } }

    /// The encoder count now and at `time` (CLOCK_MONOTONIC ns), for a part's reference.
    public func encoderCount(at time: UInt64) -> UInt32 { state.withLock { $0.encoder.count(at: time) } }

    /// Starts the thread.
    public func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            Thread.current.name = "reject"
            run()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Takes a part on its way to the actuator; with encoder timing, its count is the encoder's
    /// at the part's moment.
    public func add(_ id: PartID, at time: UInt64, action: PartAction? = nil, notInspected: String? = nil) {
        let refused = state.withLock { s in
            let count = s.encoder.count(at: time)
            return s.schedule.add(RejectSchedule.InFlight(id: id, time: time, count: count, action: action, notInspected: notInspected))
        }
        if let refused { onResult(refused) }
        wake()
    }

    /// Gives a part its verdict (`notInspected`: why the expert did not judge it); false when
    /// it had already reached the actuator.
    @discardableResult
    public func decide(_ id: PartID, action: PartAction, notInspected: String? = nil) -> Bool {
        state.withLock { $0.schedule.decide(id, action: action, notInspected: notInspected) }
    }

    /// The line's health, reported at least every second: `ready` holds the ready output,
    /// `faulted` (camera lost, expert failing) makes parts fail-safe rejected as configured.
    public func setHealth(ready: Bool, faulted: Bool) {
        let now = MonotonicTime.now()
        let changed = state.withLock { s in
            defer {
                s.healthy = ready
                s.faulted = faulted
                s.healthAt = now
            }
            return s.healthy != ready || s.faulted != faulted
        }
        if changed { wake() }
    }

    /// Stops the thread, ends the parts in flight and sets both outputs inactive; waits up to
    /// `timeout` seconds for the thread.
    public func stop(timeout: Double = 1) {
        let wasRunning = state.withLock { s in
            s.stopRequested = true
            return s.running
        }
        wake()
        guard wasRunning else { return }
        let deadline = MonotonicTime.now() + UInt64(timeout * 1e9)
        while !finished.withLock({ $0 }) && MonotonicTime.now() < deadline { usleep(1000) }
        // The thread sets them inactive; this is for a thread that did not answer in time.
        try? lines.reject.set(false)
        try? lines.ready?.set(false)
    }

    // MARK: - The thread

    private func run() {
        let realTime = Self.raisePriority()
        state.withLock { $0.realTime = realTime }
        if !realTime {
            logger.warning("the reject thread runs without real-time priority: pulses may come late under load"
                + " (give the service CAP_SYS_NICE or LimitRTPRIO)")
        } else {
            logger.info("the reject thread runs at real-time priority (SCHED_FIFO)")
        }
        setOutput(lines.reject, false, what: "reject")
        setOutput(lines.ready, false, what: "ready")
        while true {
            let now = MonotonicTime.now()
            let (step, wakeAt, stopping, ready) = state.withLock { s -> (RejectSchedule.Step, UInt64?, Bool, Bool) in
                let fresh = s.healthAt > 0 && now >= s.healthAt && now - s.healthAt < Self.healthStaleNanoseconds
                s.schedule.setFaulted(s.faulted || (s.healthAt > 0 && !fresh))
                if s.stopRequested { return (s.schedule.stop(now: now), nil, true, false) }
                return (s.schedule.advance(now: now), s.schedule.nextWake, false, s.healthy && fresh)
            }
            apply(step)
            updateReady(ready)
            if stopping { break }
            wait(until: min(wakeAt ?? now + 100_000_000, now + 100_000_000))
        }
        setOutput(lines.reject, false, what: "reject")
        setOutput(lines.ready, false, what: "ready")
        state.withLock { $0.running = false }
        finished.withLock { $0 = true }
    }

    /// Sleeps until `deadline`, or less when an input changes or the caller wakes the thread.
    /// The last 2 ms before a deadline are an absolute sleep, for the precision poll lacks.
    private func wait(until deadline: UInt64) {
        let now = MonotonicTime.now()
        guard deadline > now else { return }
        if deadline - now <= 2_000_000 {
            MonotonicTime.sleep(until: deadline)
            return
        }
        var fds = [pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
        if let encoder = lines.encoder { fds.append(pollfd(fd: encoder.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        if let confirm = lines.confirm { fds.append(pollfd(fd: confirm.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        // Whole milliseconds, rounded down: the loop comes back for the absolute sleep.
        let timeout = Int32(clamping: (deadline - now - 1_000_000) / 1_000_000)
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        guard ready > 0 else { return }
        if fds[0].revents != 0 {
            var drained = [UInt8](repeating: 0, count: 64)
            while read(wakePipe.read, &drained, drained.count) > 0 {}
        }
        var index = 1
        if let encoder = lines.encoder {
            if fds[index].revents != 0 { readEncoder(encoder) }
            index += 1
        }
        if let confirm = lines.confirm, fds[index].revents != 0 { readConfirm(confirm) }
    }

    private func readEncoder(_ encoder: GPIOInput) {
        do {
            for edge in try encoder.readEdges() where edge.rising {
                let now = MonotonicTime.now()
                let step = state.withLock { s in
                    let count = s.encoder.step(at: edge.timestampNanoseconds)
                    return s.schedule.advance(now: now, encoderCount: count, edgeTime: edge.timestampNanoseconds)
                }
                apply(step)
            }
        } catch {
            raise("cannot read the encoder: \(error)")
        }
    }

    private func readConfirm(_ confirm: GPIOInput) {
        do {
            let edges = try confirm.readEdges()
            state.withLock { s in
                for edge in edges where edge.rising {
                    s.schedule.confirm(at: edge.timestampNanoseconds)
                    // The actuator acted again: the alarm of an earlier unconfirmed pulse is over.
                    if s.lastAlarm == Self.unconfirmedAlarm { s.lastAlarm = nil }
                }
            }
        } catch {
            raise("cannot read the reject-confirm input: \(error)")
        }
    }

    private func apply(_ step: RejectSchedule.Step) {
        if let output = step.output { setOutput(lines.reject, output, what: "reject") }
        for result in step.results { onResult(result) }
        for _ in step.unconfirmed { raise(Self.unconfirmedAlarm) }
    }

    private func updateReady(_ ready: Bool) {
        let changed = state.withLock { s in
            defer { s.ready = ready }
            return s.ready != ready
        }
        if changed {
            setOutput(lines.ready, ready, what: "ready")
            logger.notice(ready ? "ready output on: the line is healthy" : "ready output off: the line is not healthy")
        }
    }

    private func setOutput(_ output: (any DigitalOutput)?, _ active: Bool, what: String) {
        guard let output else { return }
        do {
            try output.set(active)
        } catch {
            state.withLock { $0.schedule.noteOutputError() }
            raise("cannot set the \(what) output: \(error)")
        }
    }

    /// An alarm: logged and passed on the first time its message is seen.
    private func raise(_ message: String) {
        let isNew = state.withLock { s in
            defer { s.lastAlarm = message }
            return s.lastAlarm != message
        }
        if isNew {
            logger.error(message)
            onAlarm(message)
        }
    }

    private func wake() {
        var one: UInt8 = 1
        _ = write(wakePipe.write, &one, 1)
    }

    /// SCHED_FIFO at a middle priority for this thread; false when not permitted.
    private static func raisePriority() -> Bool {
        var parameters = sched_param()
        parameters.sched_priority = 50
        return pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters) == 0
    }
}
