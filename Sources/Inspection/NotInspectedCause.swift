/// Why the expert did not decide a part.
public enum NotInspectedCause: Sendable, Equatable, CaseIterable {
    case noFrame
    case cameraLost
    case corruptFrame
    case overBudget
    case expertFailed

    /// The reason recorded with the part.
    public var reason: DecisionReason {
        switch self {
        case .noFrame: .noFrame
        case .cameraLost: .cameraLost
        case .corruptFrame: .corruptFrame
        case .overBudget: .overBudget
        case .expertFailed: .expertFailed
        }
    }
}
