/// Why a part got its action: which rule decided, so an operator can tell a clear reject from
/// an unsure one or a fail-safe one.
public enum DecisionReason: String, Sendable, Equatable, CaseIterable, Codable {
    /// Scored below the unsure band: pass.
    case belowThreshold = "below_threshold"
    /// Scored at or above the unsure band: reject.
    case aboveThreshold = "above_threshold"
    /// Scored within the unsure band: handled as `decision.on_unsure` says.
    case unsureBand = "unsure_band"
    /// No frame of the part reached the expert (a photo-eye edge with no frame in time, or a
    /// frame lost to the driver).
    case noFrame = "no_frame"
    /// The camera was lost while the part passed.
    case cameraLost = "camera_lost"
    /// The frame could not be decoded.
    case corruptFrame = "corrupt_frame"
    /// The expert did not finish within `decision.budget_ms` of capture.
    case overBudget = "over_budget"
    /// The expert failed on the frame.
    case expertFailed = "expert_failed"

    /// Whether the expert decided the part (the other reasons leave it not inspected, and its
    /// action is the fail-safe one).
    public var isInspected: Bool {
        switch self {
        case .belowThreshold, .aboveThreshold, .unsureBand: true
        case .noFrame, .cameraLost, .corruptFrame, .overBudget, .expertFailed: false
        }
    }
}
