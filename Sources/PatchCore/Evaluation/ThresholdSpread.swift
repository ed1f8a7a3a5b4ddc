import SeededRandom

/// How much the label-free threshold depends on which good images happened to be held out:
/// the held-out scores are re-drawn with replacement (a bootstrap), the threshold is computed
/// again from each re-draw by the model's own rule, and the test set's false-reject and escape
/// rates are read at the 5th and 95th percentile thresholds.
///
/// A wide spread means the threshold rests on too few held-out images: a re-teach on another
/// day's good parts would move the line's false-reject or escape rate by that much.
public struct ThresholdSpread: Sendable, Equatable {
    /// Re-draws made.
    public let redraws: Int
    /// Held-out scores in each re-draw (as many as the model has).
    public let heldOutCount: Int
    /// 5th, 50th and 95th percentile of the re-drawn thresholds.
    public let low: Double, median: Double, high: Double
    /// Test-set false-reject rate at `high` and at `low` (fewest and most good parts rejected);
    /// nil without good test images.
    public let falseRejectRange: ClosedRange<Double>?
    /// Test-set escape rate at `low` and at `high`; nil without defective test images.
    public let escapeRange: ClosedRange<Double>?

    /// nil when there are fewer than two held-out scores: one score has no spread to draw from.
    /// - Parameters:
    ///   - redraws: bootstrap re-draws; the seed is fixed so a report is reproducible.
    public init?(calibration: Calibration, images: [LabeledImageScore], redraws: Int = 1000, seed: UInt64 = 0x5EED) {
        let scores = calibration.heldOutScores
        guard scores.count >= 2, redraws >= 1 else { return nil }
        var random = SplitMix64(seed: seed)
        var thresholds: [Double] = []
        thresholds.reserveCapacity(redraws)
        var draw = [Float](repeating: 0, count: scores.count)
        for _ in 0..<redraws {
            for i in draw.indices { draw[i] = scores[Int(random.next() % UInt64(scores.count))] }
            thresholds.append(Calibration(heldOutScores: draw, rule: calibration.rule).threshold)
        }
        thresholds.sort()
        func percentile(_ p: Double) -> Double { thresholds[Int((p * Double(redraws - 1)).rounded())] }
        self.redraws = redraws
        heldOutCount = scores.count
        low = percentile(0.05)
        median = percentile(0.5)
        high = percentile(0.95)
        let good = images.filter { !$0.isAnomalous }.map(\.score)
        let bad = images.filter(\.isAnomalous).map(\.score)
        func share(_ values: [Double], _ test: (Double) -> Bool) -> Double {
            Double(values.filter(test).count) / Double(values.count)
        }
        let (low, high) = (self.low, self.high)
        falseRejectRange = good.isEmpty ? nil : share(good) { $0 >= high }...share(good) { $0 >= low }
        escapeRange = bad.isEmpty ? nil : share(bad) { $0 < low }...share(bad) { $0 < high }
    }
}
