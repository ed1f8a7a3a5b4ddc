/// The label-free threshold: statistics of image scores of good parts the bank never saw.
///
/// Scores are normalised for operators so that 0 is a typical good part, 0.5 the threshold and 1
/// as far above the threshold as the threshold is above a typical good part.
public struct Calibration: Sendable, Equatable {
    /// Held-out good image scores (raw distances), ascending.
    public let heldOutScores: [Float]
    public let mean: Double
    public let standardDeviation: Double
    /// mean + k * std.
    public let threshold: Double
    /// The k used.
    public let sigmas: Double

    public init(heldOutScores: [Float], sigmas: Double) {
        let sorted = heldOutScores.sorted()
        let n = Double(max(sorted.count, 1))
        let mean = sorted.reduce(0.0) { $0 + Double($1) } / n
        let variance = sorted.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / max(n - 1, 1)
        self.heldOutScores = sorted
        self.mean = mean
        self.standardDeviation = variance.squareRoot()
        self.sigmas = sigmas
        self.threshold = mean + sigmas * variance.squareRoot()
    }

    /// The threshold that would reject `rate` of the held-out good parts (the empirical
    /// 1 - rate quantile, linear interpolation); coarse with few held-out images.
    public func quantileThreshold(falseRejectRate rate: Double) -> Double {
        guard !heldOutScores.isEmpty else { return threshold }
        let position = (1 - min(max(rate, 0), 1)) * Double(heldOutScores.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, heldOutScores.count - 1)
        let f = position - Double(lo)
        return Double(heldOutScores[lo]) * (1 - f) + Double(heldOutScores[hi]) * f
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
