import Inspection

/// How the reject scheduler acts: when a part reaches the actuator, how long the pulse is, and
/// what a part without a verdict or a faulted line gets.
public struct RejectPolicy: Sendable, Equatable {
    /// How the moment a part reaches the actuator is found.
    public enum Timing: Sendable, Equatable {
        /// A fixed time after the part's reference moment: a belt at constant speed.
        case delay(nanoseconds: UInt64)
        /// A number of encoder counts after the part's reference moment: a belt that changes speed.
        case encoder(counts: UInt32)
    }

    public var timing: Timing
    /// How long the output is held active for one part.
    public var pulseNanoseconds: UInt64
    /// What a part whose verdict has not come when it reaches the actuator gets. Reject by
    /// default: a part nobody looked at is not known to be good.
    public var onUndecided: PartAction
    /// Whether every part reaching the actuator while the line is faulted (camera lost, expert
    /// failing) is rejected, whatever its record says.
    public var rejectWhileFaulted: Bool
    /// Whether the output is held active for as long as the line is faulted: for free-running
    /// capture, where parts passing without a frame have no record to reject them by.
    public var holdWhileFaulted: Bool
    /// How soon after a pulse starts the reject-confirm input must turn active; nil without one.
    public var confirmNanoseconds: UInt64?
    /// How late after its moment a part can still be acted on; later, it has left the
    /// actuator and is counted as missed.
    public var lateToleranceNanoseconds: UInt64

    public init(timing: Timing, pulseNanoseconds: UInt64, onUndecided: PartAction = .reject, rejectWhileFaulted: Bool = true,
                holdWhileFaulted: Bool = false, confirmNanoseconds: UInt64? = nil, lateToleranceNanoseconds: UInt64? = nil) {
        self.timing = timing
        self.pulseNanoseconds = pulseNanoseconds
        self.onUndecided = onUndecided
        self.rejectWhileFaulted = rejectWhileFaulted
        self.holdWhileFaulted = holdWhileFaulted
        self.confirmNanoseconds = confirmNanoseconds
        // A pulse that starts more than its own length late misses most of the part.
        self.lateToleranceNanoseconds = lateToleranceNanoseconds ?? pulseNanoseconds
    }
}
