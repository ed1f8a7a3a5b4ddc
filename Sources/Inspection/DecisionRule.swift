/// How a score, or the lack of one, becomes a part's verdict, reason and action: the one place
/// the line's decision policy lives (`decision.*`, and the fail-safe for parts not inspected).
public struct DecisionRule: Sendable, Equatable {
    /// The verdict, why, and what the actuator does.
    public struct Outcome: Sendable, Equatable {
        public var verdict: Verdict?
        public var reason: DecisionReason
        public var action: PartAction

        public init(verdict: Verdict?, reason: DecisionReason, action: PartAction) {
            self.verdict = verdict
            self.reason = reason
            self.action = action
        }
    }

    /// Half-width of the unsure band around the normalised threshold 0.5.
    public var unsureBand: Double
    /// The action for an unsure verdict.
    public var onUnsure: PartAction
    /// The action for a part the expert did not decide. Reject by default: a part that was not
    /// looked at is not known to be good (fail-safe).
    public var onNotInspected: PartAction

    public init(unsureBand: Double = 0.05, onUnsure: PartAction = .reject, onNotInspected: PartAction = .reject) {
        self.unsureBand = unsureBand
        self.onUnsure = onUnsure
        self.onNotInspected = onNotInspected
    }

    /// The outcome of a part the expert scored.
    public func decide(normalizedScore: Double) -> Outcome {
        let verdict = Verdict(normalizedScore: normalizedScore, unsureBand: unsureBand)
        switch verdict {
        case .pass: return Outcome(verdict: .pass, reason: .belowThreshold, action: .pass)
        case .reject: return Outcome(verdict: .reject, reason: .aboveThreshold, action: .reject)
        case .unsure: return Outcome(verdict: .unsure, reason: .unsureBand, action: onUnsure)
        }
    }

    /// The outcome of a part the expert did not decide.
    public func notInspected(because cause: NotInspectedCause) -> Outcome {
        Outcome(verdict: nil, reason: cause.reason, action: onNotInspected)
    }
}
