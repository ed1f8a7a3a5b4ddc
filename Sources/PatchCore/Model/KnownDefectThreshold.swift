import SeededRandom

/// A threshold set with the scores of a few known-bad parts as well as the good parts'.
///
/// The good parts bound it from below: the Pareto-tail threshold at the false-reject target
/// (the floor) is the lowest the target allows. Known defects scoring at or above the floor can
/// all be caught; the threshold goes halfway from the floor to the weakest of them, splitting the
/// gap evenly between fewer false rejects and room for a defect a little weaker than any seen.
/// Defects below the floor cannot be caught within the target and do not move the threshold;
/// with none above it, the threshold is the floor. How well that holds for defects not yet seen
/// depends on how many are known: ``stability(goodScores:defectScores:falseRejectTarget:sizes:draws:seed:)``
/// measures it on the known ones.
public enum KnownDefectThreshold {
    /// The threshold for `floor` (the good parts' limit at the target) and the known defects' scores.
    public static func place(floor: Double, defectScores: [Float]) -> Double {
        guard let weakest = defectScores.lazy.map(Double.init).filter({ $0 >= floor }).min() else { return floor }
        return floor + (weakest - floor) / 2
    }

    /// How a threshold set from `size` of the known defects does on the others: the escape
    /// rate among the defects left out, over random draws of that many.
    public struct Stability: Sendable, Equatable {
        /// Known defects used to set the threshold in each draw.
        public var size: Int
        /// Random draws of that many.
        public var draws: Int
        /// Median and 95th percentile, over the draws, of the share of left-out defects that
        /// score below the draw's threshold.
        public var medianEscape: Double
        public var worstEscape: Double
        /// Median and 95th percentile of the share of `goodTestScores` at or above the draw's
        /// threshold; nil without such scores.
        public var medianFalseReject: Double?
        public var worstFalseReject: Double?
    }

    /// The escape among left-out defects for thresholds set from `sizes` known defects each
    /// (sizes below the number of defects only), `draws` random subsets per size; with
    /// `goodTestScores` (good parts the bank and the calibration never saw), their false rejects too.
    public static func stability(goodScores: [Float], defectScores: [Float], falseRejectTarget: Double,
                                 sizes: [Int], draws: Int = 200, seed: UInt64 = 0, goodTestScores: [Double] = []) -> [Stability] {
        let good = Calibration(heldOutScores: goodScores, rule: .paretoTail(falseRejectTarget: falseRejectTarget))
        var random = SplitMix64(seed: seed)
        var rows: [Stability] = []
        for size in sizes where size >= 1 && size < defectScores.count {
            var escapes: [Double] = [], falseRejects: [Double] = []
            for _ in 0..<draws {
                var order = Array(defectScores.indices)
                order.shuffle(using: &random)
                let known = order.prefix(size).map { defectScores[$0] }
                let threshold = place(floor: good.threshold, defectScores: known)
                let others = order.dropFirst(size).map { defectScores[$0] }
                escapes.append(Double(others.filter { Double($0) < threshold }.count) / Double(others.count))
                if !goodTestScores.isEmpty {
                    falseRejects.append(Double(goodTestScores.filter { $0 >= threshold }.count) / Double(goodTestScores.count))
                }
            }
            func median(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.sorted()[values.count / 2] }
            func p95(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.sorted()[min(values.count - 1, values.count * 95 / 100)] }
            rows.append(Stability(size: size, draws: draws, medianEscape: median(escapes) ?? 0, worstEscape: p95(escapes) ?? 0,
                                  medianFalseReject: median(falseRejects), worstFalseReject: p95(falseRejects)))
        }
        return rows
    }

    /// The fewest known defects from which the 95th-percentile escape among the others stays
    /// within `tolerance` of the median escape at the largest size measured (the threshold has
    /// stopped moving with more of them); nil when no size measured reaches it.
    public static func stableSize(_ rows: [Stability], tolerance: Double = 0.05) -> Int? {
        guard let settled = rows.last?.medianEscape else { return nil }
        var stable: Int?
        for row in rows.reversed() {
            guard row.worstEscape <= settled + tolerance else { break }
            stable = row.size
        }
        return stable
    }
}
