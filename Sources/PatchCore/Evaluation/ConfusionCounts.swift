/// How the samples fall at one decision threshold. "Positive" means rejected as anomalous.
public struct ConfusionCounts: Sendable, Equatable {
    /// Anomalous samples rejected.
    public var truePositives: Int
    /// Good samples rejected.
    public var falsePositives: Int
    /// Good samples passed.
    public var trueNegatives: Int
    /// Anomalous samples passed (escapes).
    public var falseNegatives: Int

    /// Counts as given.
    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Anomalous samples in total.
    public var anomalous: Int { truePositives + falseNegatives }
    /// Good samples in total.
    public var good: Int { trueNegatives + falsePositives }
    /// Samples rejected.
    public var rejected: Int { truePositives + falsePositives }
    /// All samples.
    public var total: Int { anomalous + good }
}
