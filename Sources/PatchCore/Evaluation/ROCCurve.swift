/// The exact receiver operating characteristic of image scores (label `true` = anomalous, higher
/// score = more anomalous), as scikit-learn's `roc_curve` computes it.
///
/// Samples with equal scores are one step of the curve: one threshold cannot separate them, so
/// the curve moves diagonally through them. The area is therefore the Mann-Whitney probability
/// P(s_anomalous > s_good) + 0.5 P(s_anomalous = s_good), not an artefact of the sort order.
public struct ROCCurve: Sendable, Equatable {
    /// The operating point obtained by rejecting every sample whose score is `>= threshold`.
    public struct Point: Sendable, Equatable {
        /// The lowest rejected score; `+infinity` for the starting point that rejects nothing.
        public let threshold: Double
        /// Anomalous samples rejected.
        public let truePositives: Int
        /// Good samples rejected.
        public let falsePositives: Int
        /// `falsePositives / good samples`.
        public let falsePositiveRate: Double
        /// `truePositives / anomalous samples`.
        public let truePositiveRate: Double
    }

    /// From (0, 0) at threshold `+infinity` to (1, 1) at the lowest score, one point per distinct
    /// score, thresholds decreasing.
    public let points: [Point]
    /// Number of anomalous samples.
    public let anomalousCount: Int
    /// Number of good samples.
    public let goodCount: Int
    /// The area under the curve (AUROC), exact for ties.
    public let area: Double

    /// Builds the curve in O(n log n).
    /// - Throws: `MetricsError` for empty or mismatched input, a NaN score, or a single class.
    public init(scores: [Double], labels: [Bool]) throws(MetricsError) {
        let counts = try ScoreValidation.bothClasses(scores: scores, labels: labels)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let anomalous = Double(counts.anomalous), good = Double(counts.good)
        var points = [Point(threshold: .infinity, truePositives: 0, falsePositives: 0, falsePositiveRate: 0, truePositiveRate: 0)]
        var accumulated = ROCArea()
        var i = 0
        while i < order.count {
            let threshold = scores[order[i]]
            var groupAnomalous = 0, groupGood = 0
            while i < order.count, scores[order[i]] == threshold {
                if labels[order[i]] { groupAnomalous += 1 } else { groupGood += 1 }
                i += 1
            }
            accumulated.addTieGroup(anomalous: groupAnomalous, good: groupGood)
            points.append(Point(
                threshold: threshold,
                truePositives: accumulated.truePositives,
                falsePositives: accumulated.falsePositives,
                falsePositiveRate: Double(accumulated.falsePositives) / good,
                truePositiveRate: Double(accumulated.truePositives) / anomalous
            ))
        }
        self.points = points
        self.anomalousCount = counts.anomalous
        self.goodCount = counts.good
        self.area = accumulated.value
    }
}

/// Image AUROC: the area under ``ROCCurve`` for these scores and labels (`true` = anomalous).
/// - Throws: `MetricsError` for empty or mismatched input, a NaN score, or a single class.
public func auroc(scores: [Double], labels: [Bool]) throws(MetricsError) -> Double {
    try ROCCurve(scores: scores, labels: labels).area
}
