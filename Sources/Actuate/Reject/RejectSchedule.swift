import Inspection

/// The reject scheduler's decisions, without threads or lines: parts in flight in a FIFO, the
/// output's pulses, the fail-safe and the confirm check, all driven by the times and encoder
/// counts it is given. ``RejectScheduler`` runs it on a thread against a real clock and line;
/// tests drive it with a fake clock.
///
/// Parts reach the actuator in the order they passed the camera, so the FIFO's head is always
/// the next one due. A part is due at its reference moment plus the delay, or when the encoder
/// count reaches its count plus the configured counts (compared modulo 2^32, so the counter may
/// wrap; a part may not be more than 2^31 counts away).
public struct RejectSchedule: Sendable {
    /// One part on its way to the actuator.
    public struct InFlight: Sendable, Equatable {
        public var id: PartID
        /// The part's reference moment (photo-eye edge or frame capture), CLOCK_MONOTONIC ns.
        public var time: UInt64
        /// The encoder count at that moment (encoder timing).
        public var count: UInt32
        /// The verdict's action; nil until it comes.
        public var action: PartAction?
        /// Why the expert did not judge the part (e.g. "no_frame"), whose action is then the
        /// line's fail-safe one; nil for a part the expert judged.
        public var notInspected: String?

        public init(id: PartID, time: UInt64, count: UInt32 = 0, action: PartAction? = nil, notInspected: String? = nil) {
            self.id = id
            self.time = time
            self.count = count
            self.action = action
            self.notInspected = notInspected
        }
    }

    /// What a step changed: parts that ended, and the output's new level when it changed.
    public struct Step: Sendable, Equatable {
        public var results: [RejectResult] = []
        public var output: Bool?
        /// Pulses the confirm input did not confirm in time (their start times).
        public var unconfirmed: [UInt64] = []
    }

    /// The most parts in flight; a part beyond is refused and counted missed.
    public let capacity: Int
    public private(set) var policy: RejectPolicy
    public private(set) var counters = RejectCounters()
    private var parts: [InFlight] = []
    private var head = 0
    /// The output as last reported, and until when the current pulse holds it.
    public private(set) var outputActive = false
    private var pulseUntil: UInt64 = 0
    private var faulted = false
    /// Start times of pulses waiting for the confirm input.
    private var awaitingConfirm: [UInt64] = []

    public init(policy: RejectPolicy, capacity: Int = 1024) {
        self.policy = policy
        self.capacity = capacity
    }

    /// Parts in flight now.
    public var inFlight: Int { parts.count - head }

    /// Takes a part (with or without its verdict). A full queue refuses it: missed, counted.
    public mutating func add(_ part: InFlight) -> RejectResult? {
        counters.parts += 1
        guard inFlight < capacity else {
            counters.queueFull += 1
            let result = RejectResult(id: part.id, outcome: part.action == .pass ? .passed : .missed, cause: "queue_full")
            counters.count(result)
            return result
        }
        parts.append(part)
        return nil
    }

    /// Gives a part in flight its verdict (`notInspected`: why the expert did not judge it);
    /// false when it has already reached the actuator (it took the undecided action then, and
    /// the late verdict is counted).
    @discardableResult
    public mutating func decide(_ id: PartID, action: PartAction, notInspected: String? = nil) -> Bool {
        for index in head..<parts.count where parts[index].id == id {
            parts[index].action = action
            parts[index].notInspected = notInspected
            return true
        }
        counters.lateVerdicts += 1
        return false
    }

    /// The line's fault state (camera lost, expert failing); takes effect at the next step.
    public mutating func setFaulted(_ faulted: Bool) {
        if faulted && !self.faulted && policy.holdWhileFaulted { counters.faultHolds += 1 }
        self.faulted = faulted
    }

    /// The reject-confirm input turned active at `time`: confirms the oldest pulse waiting.
    public mutating func confirm(at time: UInt64) {
        if let index = awaitingConfirm.firstIndex(where: { $0 <= time }) { awaitingConfirm.remove(at: index) }
    }

    /// Counts a failure to drive the output (the runner's).
    public mutating func noteOutputError() { counters.outputErrors += 1 }

    /// When the schedule next needs a step by time alone: the head's due time (delay timing),
    /// the pulse's end, a confirm deadline. nil when only an encoder count or a new part can.
    public var nextWake: UInt64? {
        var wake: [UInt64] = []
        if case .delay(let delay) = policy.timing, head < parts.count { wake.append(parts[head].time &+ delay) }
        if outputActive && pulseUntil > 0 { wake.append(pulseUntil) }
        if let window = policy.confirmNanoseconds, let first = awaitingConfirm.first { wake.append(first &+ window) }
        return wake.min()
    }

    /// Everything due at `now` (CLOCK_MONOTONIC ns): with delay timing.
    public mutating func advance(now: UInt64) -> Step {
        var step = Step()
        if case .delay(let delay) = policy.timing {
            while head < parts.count, parts[head].time &+ delay <= now {
                let part = takeHead()
                step.results.append(arrive(part, due: part.time &+ delay, now: now))
            }
        }
        finish(&step, now: now)
        return step
    }

    /// The encoder reached `count` at `edgeTime` (the edge's kernel timestamp), seen at `now`:
    /// everything due by count or time.
    public mutating func advance(now: UInt64, encoderCount count: UInt32, edgeTime: UInt64) -> Step {
        var step = Step()
        if case .encoder(let counts) = policy.timing {
            while head < parts.count, Self.reached(count, parts[head].count &+ counts) {
                let part = takeHead()
                step.results.append(arrive(part, due: edgeTime, now: now))
            }
        }
        finish(&step, now: now)
        return step
    }

    /// Ends every part in flight as the line stops (those with a reject verdict were not
    /// rejected: missed) and turns the output off.
    public mutating func stop(now: UInt64) -> Step {
        var step = Step()
        while head < parts.count {
            let part = takeHead()
            let result = part.action == .pass
                ? RejectResult(id: part.id, outcome: .passed)
                : RejectResult(id: part.id, outcome: .missed, cause: "stopped")
            counters.count(result)
            step.results.append(result)
        }
        pulseUntil = 0
        faulted = false
        if outputActive {
            outputActive = false
            step.output = false
        }
        return step
    }

    /// Whether `count` is at or past `target`, modulo 2^32.
    static func reached(_ count: UInt32, _ target: UInt32) -> Bool {
        Int32(bitPattern: count &- target) >= 0
    }

    // MARK: - Steps

    private mutating func takeHead() -> InFlight {
        let part = parts[head]
        head += 1
        // Compact now and then so the array does not grow with every part ever seen.
        if head > 256 && head * 2 > parts.count {
            parts.removeFirst(head)
            head = 0
        }
        return part
    }

    /// A part at the actuator: its outcome, firing the output when it is rejected.
    private mutating func arrive(_ part: InFlight, due: UInt64, now: UInt64) -> RejectResult {
        let late = now > due && now - due > policy.lateToleranceNanoseconds
        let decision: (fire: Bool, outcome: RejectOutcome, cause: String?)
        if faulted && policy.rejectWhileFaulted && part.action != .reject {
            decision = (true, .failSafeRejected, "faulted")
        } else if let action = part.action, let cause = part.notInspected {
            // The line's fail-safe action for a part the expert never judged, not a verdict.
            decision = action == .reject ? (true, .failSafeRejected, cause) : (false, .passed, cause)
        } else if let action = part.action {
            decision = action == .reject ? (true, .rejected, nil) : (false, .passed, nil)
        } else if policy.onUndecided == .reject {
            decision = (true, .failSafeRejected, "undecided")
        } else {
            decision = (false, .passed, "undecided")
        }
        let (fire, outcome, cause) = decision
        let result: RejectResult
        if fire && late {
            result = RejectResult(id: part.id, outcome: .missed, cause: "late")
        } else if fire {
            pulse(now: now)
            result = RejectResult(id: part.id, outcome: outcome, timingErrorNanoseconds: Int64(bitPattern: now &- due), cause: cause)
        } else {
            result = RejectResult(id: part.id, outcome: outcome, cause: cause)
        }
        counters.count(result)
        return result
    }

    /// Starts a pulse, or lengthens the one under way (merged: the valve stays open).
    private mutating func pulse(now: UInt64) {
        if outputActive || pulseUntil > now {
            counters.merged += 1
        } else {
            counters.pulses += 1
            if policy.confirmNanoseconds != nil { awaitingConfirm.append(now) }
        }
        pulseUntil = max(pulseUntil, now &+ policy.pulseNanoseconds)
    }

    /// The output's level and the confirm deadlines after a step.
    private mutating func finish(_ step: inout Step, now: UInt64) {
        let wanted = now < pulseUntil || (faulted && policy.holdWhileFaulted)
        if wanted != outputActive {
            outputActive = wanted
            step.output = wanted
        }
        if !outputActive { pulseUntil = 0 }
        if let window = policy.confirmNanoseconds {
            while let first = awaitingConfirm.first, first &+ window <= now {
                awaitingConfirm.removeFirst()
                counters.unconfirmed += 1
                step.unconfirmed.append(first)
            }
        }
    }
}
