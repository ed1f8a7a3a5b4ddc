import Inspection

/// How a part ended at the actuator: exactly one of these per part the scheduler took.
public enum RejectOutcome: String, Sendable, Equatable, CaseIterable, Codable {
    /// Its verdict said reject and the output fired.
    case rejected
    /// Its verdict said pass (or, configured so, it was undecided) and the output stayed off.
    case passed
    /// It had no verdict in time, the expert did not judge it (no frame, camera lost, over
    /// budget), or the line was faulted, and the output fired to be safe.
    case failSafeRejected = "fail_safe_rejected"
    /// It should have been rejected but had left the actuator before the output could fire
    /// (the scheduler ran late, or the queue was full).
    case missed
}

/// One part's end at the actuator.
public struct RejectResult: Sendable, Equatable {
    public var id: PartID
    public var outcome: RejectOutcome
    /// When the output fired for it, minus when the part was due (CLOCK_MONOTONIC ns; for an
    /// encoder the time of the edge that reached its count); nil when nothing fired.
    public var timingErrorNanoseconds: Int64?
    /// Why a fail-safe or missed outcome: "undecided", "faulted", "late", "queue_full", or the
    /// reason the expert did not judge the part ("no_frame", "camera_lost", ...).
    public var cause: String?

    public init(id: PartID, outcome: RejectOutcome, timingErrorNanoseconds: Int64? = nil, cause: String? = nil) {
        self.id = id
        self.outcome = outcome
        self.timingErrorNanoseconds = timingErrorNanoseconds
        self.cause = cause
    }

    /// The timing error in milliseconds, for records and people.
    public var timingErrorMs: Double? { timingErrorNanoseconds.map { Double($0) / 1e6 } }
}
