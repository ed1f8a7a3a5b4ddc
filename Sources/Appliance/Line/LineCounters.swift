import Capture
import Inspection

/// What the line has done since it started: every frame taken and every part recorded, by
/// outcome, and every frame dropped, by cause. The counts add up: each part the line recorded
/// is counted once by action, and once by verdict or by the reason it was not inspected.
public struct LineCounters: Sendable, Equatable {
    /// Frames the line took from capture.
    public var framesTaken: UInt64 = 0
    /// Frames taken while no photo-eye part was in view (`line.trigger: photo_eye`): no part.
    public var framesBetweenParts: UInt64 = 0
    /// Part records made (inspected or not).
    public var parts: UInt64 = 0
    /// Inspected parts by the expert's verdict.
    public var passed: UInt64 = 0
    public var rejected: UInt64 = 0
    public var unsure: UInt64 = 0
    /// Parts the actuator rejects (rejected, unsure handled as reject, fail-safe).
    public var actionReject: UInt64 = 0
    /// Parts not inspected, by reason (over budget, expert failed, ...).
    public var notInspected: [DecisionReason: UInt64] = [:]
    /// The capture loop's own counts: frames dropped by the driver (sequence gaps), replaced
    /// while the expert was busy, corrupt, and camera reopenings.
    public var capture = CaptureCounters()

    public init() {}

    /// Counts one part record.
    public mutating func count(_ part: Part) {
        parts += 1
        if part.action == .reject { actionReject += 1 }
        switch part.verdict {
        case .pass?: passed += 1
        case .reject?: rejected += 1
        case .unsure?: unsure += 1
        case nil: notInspected[part.reason, default: 0] += 1
        }
    }

    /// Parts the expert did not decide, all reasons together.
    public var notInspectedTotal: UInt64 { notInspected.values.reduce(0, +) }

    /// Frames the line did not inspect because of a choice or a fault, by cause, for people and
    /// the summary: driver gaps, busy (replaced before the expert took them), corrupt, over budget.
    public var drops: [(cause: String, count: UInt64)] {
        [("driver", capture.droppedByDriver), ("busy", capture.droppedBusy), ("corrupt", capture.corrupt),
         ("over_budget", notInspected[.overBudget] ?? 0)]
    }
}
