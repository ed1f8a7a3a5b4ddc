import Inspection

/// How an anomaly score becomes pass, reject or unsure (`decision.*`).
///
/// Scores are normalised so the taught threshold sits at 0.5; a score within `unsureBand` of
/// it is "unsure" and handled by `onUnsure`. The defaults are ``DecisionRule``'s.
public struct DecisionConfig: Sendable, Equatable {
    /// Half-width of the unsure band around the normalised threshold 0.5, 0...0.5.
    public var unsureBand: Double
    /// What an unsure part gets: reject (a false reject costs one part, a missed defect may
    /// cost a recall) or pass.
    public var onUnsure: PartAction
    /// Time from frame capture to verdict after which the frame counts as over budget, in ms.
    public var budgetMs: Int
    /// The share of good parts the recipe accepts to reject; the threshold is then read off the
    /// model's out-of-bank good scores for it (a fitted Pareto tail). nil keeps the threshold
    /// the model was taught with.
    public var falseRejectTarget: Double?

    /// The rule's band and unsure action, with a 100 ms budget and the model's own threshold.
    public init(unsureBand: Double = DecisionRule().unsureBand, onUnsure: PartAction = DecisionRule().onUnsure, budgetMs: Int = 100,
                falseRejectTarget: Double? = nil) {
        self.unsureBand = unsureBand
        self.onUnsure = onUnsure
        self.budgetMs = budgetMs
        self.falseRejectTarget = falseRejectTarget
    }

    /// The decision rule these settings make.
    public var rule: DecisionRule {
        DecisionRule(unsureBand: unsureBand, onUnsure: onUnsure)
    }
}

extension DecisionConfig {
    static func read(_ section: SectionReader) -> DecisionConfig {
        let defaults = DecisionConfig()
        return DecisionConfig(
            unsureBand: section.value("unsure_band", default: defaults.unsureBand, .number(in: 0...0.5)),
            onUnsure: section.value("on_unsure", default: defaults.onUnsure, .choice),
            budgetMs: section.value("budget_ms", default: defaults.budgetMs, .integer(in: 1...10_000)),
            falseRejectTarget: section.optional("false_reject_target", .number(in: 0.0001...0.2))
        )
    }
}
