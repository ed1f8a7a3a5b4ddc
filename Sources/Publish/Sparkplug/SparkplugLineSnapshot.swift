/// The line's counters and health as the Sparkplug node reports them: cumulative since the
/// line started, so a value that arrives late or not at all is made good by the next one.
public struct SparkplugLineSnapshot: Sendable, Equatable {
    public var parts: UInt64
    public var passed: UInt64
    public var rejected: UInt64
    public var unsure: UInt64
    public var notInspected: UInt64
    /// Parts the actuator rejects (rejected, unsure handled as reject, fail-safe).
    public var actionReject: UInt64
    public var droppedByDriver: UInt64
    public var droppedBusy: UInt64
    public var corrupt: UInt64
    /// The line's overall health: `ok`, `degraded` or `failed`.
    public var health: String
    /// What is wrong, for people; empty when healthy.
    public var problems: String

    public init(parts: UInt64 = 0, passed: UInt64 = 0, rejected: UInt64 = 0, unsure: UInt64 = 0, notInspected: UInt64 = 0,
                actionReject: UInt64 = 0, droppedByDriver: UInt64 = 0, droppedBusy: UInt64 = 0, corrupt: UInt64 = 0,
                health: String = "ok", problems: String = "") {
        self.parts = parts
        self.passed = passed
        self.rejected = rejected
        self.unsure = unsure
        self.notInspected = notInspected
        self.actionReject = actionReject
        self.droppedByDriver = droppedByDriver
        self.droppedBusy = droppedBusy
        self.corrupt = corrupt
        self.health = health
        self.problems = problems
    }
}
