import Foundation

/// How the threshold is read off the scores of good images the bank never saw.
///
/// The first three use good parts only. `sigmas` is PatchCore practice and says nothing about
/// how many good parts it rejects; the other two aim at a stated false-reject rate: `quantile`
/// reads it off the scores themselves (coarse when the target is near 1 / n), `paretoTail` fits
/// a generalised Pareto distribution to the top of the scores and reads the target there, which
/// extrapolates smoothly past the last few scores. `knownDefects` also uses the scores of a few
/// known-bad parts (``KnownDefectThreshold``).
public enum ThresholdRule: Sendable, Equatable, CustomStringConvertible {
    /// mean + k * standard deviation.
    case sigmas(Double)
    /// The empirical 1 - target quantile (linear interpolation between order statistics).
    case quantile(falseRejectTarget: Double)
    /// The 1 - target quantile of a generalised Pareto tail fitted above the 80th percentile.
    case paretoTail(falseRejectTarget: Double)
    /// Halfway from the Pareto-tail threshold at the target to the weakest known defect above it
    /// (``KnownDefectThreshold``).
    case knownDefects(falseRejectTarget: Double, defectScores: [Float])

    /// The threshold for these scores (ascending) with their mean and standard deviation.
    /// With no scores, `mean` (0 for an empty calibration).
    public func threshold(ascending scores: [Float], mean: Double, standardDeviation: Double) -> Double {
        guard !scores.isEmpty else { return mean }
        switch self {
        case .sigmas(let k):
            return mean + k * standardDeviation
        case .quantile(let target):
            return Self.quantile(ascending: scores, 1 - target)
        case .paretoTail(let target):
            return ParetoTail(ascending: scores, tailShare: 0.2).map { $0.threshold(exceedance: target) }
                ?? Self.quantile(ascending: scores, 1 - target)
        case .knownDefects(let target, let defects):
            let floor = Self.paretoTail(falseRejectTarget: target).threshold(ascending: scores, mean: mean, standardDeviation: standardDeviation)
            return KnownDefectThreshold.place(floor: floor, defectScores: defects)
        }
    }

    /// The false-reject rate the rule aims at; nil for `sigmas`.
    public var falseRejectTarget: Double? {
        switch self {
        case .sigmas: nil
        case .quantile(let target), .paretoTail(let target), .knownDefects(let target, _): target
        }
    }

    /// The same rule aiming at another false-reject target (`sigmas` becomes the Pareto tail).
    public func aiming(at target: Double) -> ThresholdRule {
        switch self {
        case .sigmas, .paretoTail: .paretoTail(falseRejectTarget: target)
        case .quantile: .quantile(falseRejectTarget: target)
        case .knownDefects(_, let defects): .knownDefects(falseRejectTarget: target, defectScores: defects)
        }
    }

    /// "mean + 3 std", "1 % quantile", "1 % Pareto tail".
    public var description: String {
        switch self {
        case .sigmas(let k): "mean + \(k == k.rounded() ? String(Int(k)) : k.rounded(2)) std"
        case .quantile(let target): "\(Self.percent(target)) quantile"
        case .paretoTail(let target): "\(Self.percent(target)) Pareto tail"
        case .knownDefects(let target, let defects): "\(Self.percent(target)) Pareto tail and \(defects.count) known defects"
        }
    }

    /// The p-quantile of ascending values, interpolating linearly between order statistics.
    static func quantile(ascending values: [Float], _ p: Double) -> Double {
        let position = min(max(p, 0), 1) * Double(values.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, values.count - 1)
        let f = position - Double(lo)
        return Double(values[lo]) * (1 - f) + Double(values[hi]) * f
    }

    private static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value)) %" : "\(value.rounded(2)) %"
    }
}
