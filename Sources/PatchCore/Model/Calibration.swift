/// The label-free threshold: statistics of image scores of good parts the bank never saw.
///
/// Scores are normalised for operators so that 0 is a typical good part, 0.5 the threshold and 1
/// as far above the threshold as the threshold is above a typical good part.
public struct Calibration: Sendable, Equatable {
    /// Held-out good image scores (raw distances), ascending.
    public let heldOutScores: [Float]
    public let mean: Double
    public let standardDeviation: Double
    /// The rule that set `threshold`.
    public let rule: ThresholdRule
    /// The decision threshold: a part scoring at or above it is anomalous.
    public let threshold: Double

    /// The threshold `rule` reads off `heldOutScores`.
    public init(heldOutScores: [Float], rule: ThresholdRule) {
        let sorted = heldOutScores.sorted()
        let n = Double(max(sorted.count, 1))
        let mean = sorted.reduce(0.0) { $0 + Double($1) } / n
        let variance = sorted.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / max(n - 1, 1)
        self.heldOutScores = sorted
        self.mean = mean
        self.standardDeviation = variance.squareRoot()
        self.rule = rule
        self.threshold = rule.threshold(ascending: sorted, mean: mean, standardDeviation: variance.squareRoot())
    }

    /// mean + k * std.
    public init(heldOutScores: [Float], sigmas: Double) {
        self.init(heldOutScores: heldOutScores, rule: .sigmas(sigmas))
    }

    /// The same scores under another rule.
    public func with(_ rule: ThresholdRule) -> Calibration {
        Calibration(heldOutScores: heldOutScores, rule: rule)
    }

    /// The threshold that would reject `rate` of the held-out good parts (the empirical
    /// 1 - rate quantile, linear interpolation); coarse with few held-out images.
    public func quantileThreshold(falseRejectRate rate: Double) -> Double {
        ThresholdRule.quantile(falseRejectTarget: rate).threshold(ascending: heldOutScores, mean: mean, standardDeviation: standardDeviation)
    }

    /// Share of held-out good images at or above the threshold: the expected false-reject rate.
    public var heldOutFalseRejectRate: Double {
        guard !heldOutScores.isEmpty else { return 0 }
        return Double(heldOutScores.filter { Double($0) >= threshold }.count) / Double(heldOutScores.count)
    }

    /// 0 at the good mean, 0.5 at the threshold, clamped to 0...1.
    public func normalized(_ score: Double) -> Double {
        let span = max(threshold - mean, 1e-9)
        return min(max(0.5 + 0.5 * (score - threshold) / span, 0), 1)
    }
}
