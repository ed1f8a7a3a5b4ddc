import Foundation

/// A generalised Pareto distribution fitted to the scores above a high percentile u (peaks over
/// threshold): P(X > u + y | X > u) = (1 + xi y / sigma)^(-1/xi).
///
/// Fitted by probability-weighted moments (Hosking and Wallis, 1987), which behave on the 20 to
/// 100 exceedances a teach set gives, where maximum likelihood often fails to converge. The shape
/// is kept within [-0.5, 0.5]: a tail of good-part distances is light or moderately heavy, and
/// a wilder estimate from few points would put the threshold anywhere.
public struct ParetoTail: Sendable, Equatable {
    /// The tail starts here: the (1 - tailShare) quantile of the scores.
    public let start: Double
    /// Share of the scores above `start`.
    public let tailShare: Double
    /// Scale sigma > 0.
    public let scale: Double
    /// Shape xi, within [-1, 0.5].
    public let shape: Double

    /// nil with fewer than 5 scores above the start or a tail without spread.
    public init?(ascending scores: [Float], tailShare: Double) {
        let start = ThresholdRule.quantile(ascending: scores, 1 - tailShare)
        let excess = scores.map { Double($0) - start }.filter { $0 > 0 }
        guard excess.count >= 5 else { return nil }
        // Hosking's moments a_s = E[Y (1 - F(Y))^s], estimated with plotting positions
        // (j - 0.35) / n of the ascending excesses; then k = a0 / (a0 - 2 a1) - 2 (his shape, -xi)
        // and sigma = 2 a0 a1 / (a0 - 2 a1).
        let n = Double(excess.count)
        let a0 = excess.reduce(0, +) / n
        var a1 = 0.0
        for (i, y) in excess.enumerated() { a1 += (1 - (Double(i) + 0.65) / n) * y }
        a1 /= n
        let denominator = a0 - 2 * a1
        guard a0 > 0, a1 > 0, denominator > 0 else { return nil }
        self.start = start
        self.tailShare = n / Double(scores.count)
        self.scale = 2 * a0 * a1 / denominator
        self.shape = min(max(-(a0 / denominator - 2), -1), 0.5)
    }

    /// The score exceeded with probability `exceedance` (below `tailShare`; above it, the start).
    public func threshold(exceedance: Double) -> Double {
        guard exceedance < tailShare else { return start }
        let ratio = tailShare / max(exceedance, 1e-12)
        if abs(shape) < 1e-9 { return start + scale * log(ratio) }
        return start + scale / shape * (pow(ratio, shape) - 1)
    }
}
