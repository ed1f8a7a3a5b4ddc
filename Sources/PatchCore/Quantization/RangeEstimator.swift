/// How an activation's range is estimated from the calibration images.
public enum RangeEstimator: Sendable, Equatable {
    /// The smallest and largest value seen on any image: nothing is ever clipped.
    case minMax
    /// Per image, the values at `fraction` and 1 - `fraction` of the sorted values (from a
    /// 4096-bin histogram); averaged over the images. Clips rare outliers for finer steps.
    case percentile(fraction: Double)
    /// The range that minimises the expected squared int8 error over the values of all
    /// calibration images pooled (see ``ActivationHistogram/minimumErrorRange()``): a wide range
    /// costs every value a coarser step, a narrow one clips the tails; this weighs one against
    /// the other on the measured distribution.
    case mse

    /// "minmax", "p0.0001" or "mse", as the model file and the CLI write it.
    public var storedName: String {
        switch self {
        case .minMax: "minmax"
        case .percentile(let f): "p\(f)"
        case .mse: "mse"
        }
    }

    /// The estimator a stored name stands for; nil for an unknown name or a fraction outside (0, 0.5).
    public init?(storedName: String) {
        if storedName == "minmax" {
            self = .minMax
        } else if storedName == "mse" {
            self = .mse
        } else if storedName.hasPrefix("p"), let f = Double(storedName.dropFirst()), f > 0, f < 0.5 {
            self = .percentile(fraction: f)
        } else {
            return nil
        }
    }
}
