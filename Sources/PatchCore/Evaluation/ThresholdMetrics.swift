/// Quality figures at one fixed threshold, the one a line actually runs with: a sample is
/// rejected when its score is `>= threshold`.
///
/// Every ratio is `nil` when its denominator is zero (for instance precision when nothing was
/// rejected), because any number there would be a convention a reader could mistake for a result.
public struct ThresholdMetrics: Sendable, Equatable {
    /// The decision threshold.
    public let threshold: Double
    /// The confusion counts at `threshold`.
    public let counts: ConfusionCounts

    /// Wraps counts already taken at `threshold`.
    public init(threshold: Double, counts: ConfusionCounts) {
        self.threshold = threshold
        self.counts = counts
    }

    /// Counts `scores` (label `true` = anomalous) at `threshold`. One class alone is allowed: the
    /// false-reject rate of a batch of good parts is meaningful on its own.
    /// - Throws: `MetricsError` for empty or mismatched input, a NaN score or a NaN threshold.
    public init(scores: [Double], labels: [Bool], threshold: Double) throws(MetricsError) {
        guard !threshold.isNaN else { throw .invalidThreshold(threshold) }
        _ = try ScoreValidation.classCounts(scores: scores, labels: labels)
        var counts = ConfusionCounts(truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        for (score, anomalous) in zip(scores, labels) {
            switch (score >= threshold, anomalous) {
            case (true, true): counts.truePositives += 1
            case (true, false): counts.falsePositives += 1
            case (false, false): counts.trueNegatives += 1
            case (false, true): counts.falseNegatives += 1
            }
        }
        self.init(threshold: threshold, counts: counts)
    }

    /// Correct decisions / all samples.
    public var accuracy: Double? {
        ratio(counts.truePositives + counts.trueNegatives, counts.total)
    }

    /// Anomalous among the rejected.
    public var precision: Double? { ratio(counts.truePositives, counts.rejected) }

    /// Anomalous samples caught / anomalous samples.
    public var recall: Double? { ratio(counts.truePositives, counts.anomalous) }

    /// Harmonic mean of precision and recall, written as `2tp / (2tp + fp + fn)` so it is defined
    /// whenever either of them is.
    public var f1: Double? {
        ratio(2 * counts.truePositives, 2 * counts.truePositives + counts.falsePositives + counts.falseNegatives)
    }

    /// Good parts rejected / good parts: the scrap the inspection causes.
    public var falseRejectRate: Double? { ratio(counts.falsePositives, counts.good) }

    /// Defective parts passed / defective parts: what reaches the customer.
    public var escapeRate: Double? { ratio(counts.falseNegatives, counts.anomalous) }

    private func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }
}
