/// The best F1 over all thresholds of the image scores, and where it is reached: the label-aware
/// threshold anomalib's `F1AdaptiveThreshold` picks.
public struct F1Max: Sendable, Equatable {
    /// The metrics at the best threshold; its `f1` is the maximum.
    public let metrics: ThresholdMetrics

    /// The maximal F1.
    public var f1: Double { metrics.f1 ?? 0 }
    /// The threshold reaching it (reject `score >= threshold`).
    public var threshold: Double { metrics.threshold }

    /// Searches every distinct score as a threshold. Of equal maxima the highest threshold wins,
    /// since it rejects the fewest parts.
    /// - Throws: `MetricsError` for empty or mismatched input, a NaN score, or a single class.
    public init(scores: [Double], labels: [Bool]) throws(MetricsError) {
        self.init(curve: try ROCCurve(scores: scores, labels: labels))
    }

    /// Reads the maximum off an existing curve, whose points already hold every threshold's counts.
    public init(curve: ROCCurve) {
        // The first point (threshold +infinity) rejects nothing and has F1 = 0; a curve always
        // has at least one point after it.
        let candidates = curve.points.dropFirst().map { point in
            ThresholdMetrics(threshold: point.threshold, counts: ConfusionCounts(
                truePositives: point.truePositives,
                falsePositives: point.falsePositives,
                trueNegatives: curve.goodCount - point.falsePositives,
                falseNegatives: curve.anomalousCount - point.truePositives
            ))
        }
        var best = candidates[0]
        for metrics in candidates.dropFirst() where (metrics.f1 ?? 0) > (best.f1 ?? 0) {
            best = metrics
        }
        self.metrics = best
    }
}
