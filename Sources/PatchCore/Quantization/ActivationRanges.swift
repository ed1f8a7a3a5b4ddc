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

    /// Empty ranges, to be widened by ``observe(_:_:)``.
    init() {
        names = []
        minimums = []
        maximums = []
    }

    /// Widens the range of `name` (added at the end the first time) to cover `values`.
    mutating func observe(_ name: String, _ values: [Float]) {
        let low = values.min() ?? 0, high = values.max() ?? 0
        if let i = names.firstIndex(of: name) {
            minimums[i] = Swift.min(minimums[i], low)
            maximums[i] = Swift.max(maximums[i], high)
        } else {
            names.append(name)
            minimums.append(low)
            maximums.append(high)
        }
    }

    /// The int8 parameters of `name`: the observed range mapped onto 256 codes.
    public func parameters(_ name: String) throws -> QuantizationParameters {
        guard let i = names.firstIndex(of: name) else {
            throw PatchCoreError.invalidSettings("no activation range for '\(name)'; the model was taught for a shallower network")
        }
        return QuantizationParameters(min: minimums[i], max: maximums[i])
    }
}
