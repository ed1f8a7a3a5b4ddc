import Kernels

/// The observed real range of every activation the int8 backbone quantizes, by name, measured by
/// running the fp32 network on teach images (``ActivationCalibrator``); stored in the model file.
///
/// Names: `stem`; per block `blockN.expand` (after ReLU6), `blockN.depthwise` (after ReLU6),
/// `blockN.project` (linear) and, for blocks with a residual add, `blockN` (after the add).
public struct ActivationRanges: Sendable, Equatable {
    /// Points in network order.
    public private(set) var names: [String]
    public private(set) var minimums: [Float]
    public private(set) var maximums: [Float]

    /// Ranges from stored columns; throws when the lists differ in length or a range is inverted.
    public init(names: [String], minimums: [Float], maximums: [Float]) throws {
        guard names.count == minimums.count, names.count == maximums.count,
              zip(minimums, maximums).allSatisfy({ $0.isFinite && $1.isFinite && $0 <= $1 }) else {
            throw PatchCoreError.invalidSettings("activation ranges: \(names.count) names, \(minimums.count) minimums, \(maximums.count) maximums, or an inverted range")
        }
        self.names = names
        self.minimums = minimums
        self.maximums = maximums
    }

    /// The int8 parameters of `name`: the observed range mapped onto 256 codes.
    public func parameters(_ name: String) throws -> QuantizationParameters {
        guard let i = names.firstIndex(of: name) else {
            throw PatchCoreError.invalidSettings("no activation range for '\(name)'; the model was taught for a shallower network")
        }
        return QuantizationParameters(min: minimums[i], max: maximums[i])
    }
}

/// Collects per-image ranges of every point and combines them as the estimator says.
struct ActivationRangeCollector {
    let estimator: RangeEstimator
    private var names: [String] = []
    private var lows: [[Float]] = []
    private var highs: [[Float]] = []

    init(estimator: RangeEstimator) {
        self.estimator = estimator
    }

    /// Records one image's values at point `name`.
    mutating func observe(_ name: String, _ values: [Float]) {
        let (low, high) = Self.range(of: values, estimator: estimator)
        if let i = names.firstIndex(of: name) {
            lows[i].append(low)
            highs[i].append(high)
        } else {
            names.append(name)
            lows.append([low])
            highs.append([high])
        }
    }

    /// min/max over images, or the mean of the per-image percentiles. (``RangeEstimator/mse``
    /// pools the images in a histogram instead: its first pass collects with ``RangeEstimator/minMax``.)
    func ranges() throws -> ActivationRanges {
        switch estimator {
        case .minMax, .mse:
            return try ActivationRanges(names: names, minimums: lows.map { $0.min() ?? 0 }, maximums: highs.map { $0.max() ?? 0 })
        case .percentile:
            func mean(_ v: [Float]) -> Float { v.isEmpty ? 0 : v.reduce(0, +) / Float(v.count) }
            return try ActivationRanges(names: names, minimums: lows.map(mean), maximums: highs.map(mean))
        }
    }

    static func range(of values: [Float], estimator: RangeEstimator) -> (Float, Float) {
        let low = values.min() ?? 0, high = values.max() ?? 0
        guard case .percentile(let fraction) = estimator, high > low, !values.isEmpty else { return (low, high) }
        let bins = 4096
        var histogram = [Int](repeating: 0, count: bins)
        let scale = Float(bins) / (high - low)
        for v in values { histogram[min(bins - 1, Int((v - low) * scale))] += 1 }
        let cut = Int(Double(values.count) * fraction)
        func edge(_ order: [Int]) -> Int {
            var seen = 0
            for b in order {
                seen += histogram[b]
                if seen > cut { return b }
            }
            return order.last ?? 0
        }
        let lowBin = edge(Array(0..<bins)), highBin = edge(Array((0..<bins).reversed()))
        return (low + Float(lowBin) / scale, low + Float(highBin + 1) / scale)
    }
}
