/// How an anomaly score becomes pass, reject or unsure (`decision.*`).
///
/// Scores are normalised so the taught threshold sits at 0.5; a score within `unsureBand` of
/// it is "unsure" and handled by `onUnsure`.
public struct DecisionConfig: Sendable, Equatable {
    /// What an unsure part gets.
    public enum UnsureAction: String, CaseIterable, Sendable {
        /// Reject it: a false reject costs one part, a missed defect may cost a recall.
        case reject
        /// Let it pass.
        case pass
    }

    /// Half-width of the unsure band around the normalised threshold 0.5, 0...0.5.
    public var unsureBand: Double
    /// What an unsure part gets.
    public var onUnsure: UnsureAction
    /// Time from frame capture to verdict after which the frame counts as over budget, in ms.
    public var budgetMs: Int

    /// A narrow unsure band that rejects, with a 100 ms budget.
    public init(unsureBand: Double = 0.05, onUnsure: UnsureAction = .reject, budgetMs: Int = 100) {
        self.unsureBand = unsureBand
        self.onUnsure = onUnsure
        self.budgetMs = budgetMs
    }
}

extension DecisionConfig {
    static func read(_ section: SectionReader) -> DecisionConfig {
        let defaults = DecisionConfig()
        return DecisionConfig(
            unsureBand: section.value("unsure_band", default: defaults.unsureBand, .number(in: 0...0.5)),
            onUnsure: section.value("on_unsure", default: defaults.onUnsure, .choice),
            budgetMs: section.value("budget_ms", default: defaults.budgetMs, .integer(in: 1...10_000))
        )
    }
}
