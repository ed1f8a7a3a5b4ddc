/// Weights of one layer in int8, symmetric per output channel: w ~ scale[c] * q, q in -127...127.
///
/// Symmetric (zero point 0) so the inner loops multiply raw codes; -128 is left out so the code
/// range is symmetric and no weight saturates a product differently from its negation.
/// Per channel because BatchNorm folding gives the channels of one layer very different ranges.
public struct QuantizedWeights: Sendable, Equatable {
    /// Same layout as the float weights they came from.
    public let values: [Int8]
    /// One per output channel: max |w| / 127 (1 for an all-zero channel).
    public let scales: [Float]
    public let outputChannels: Int

    /// Quantizes `weights` laid out as `outputChannels` consecutive runs of equal length,
    /// rounding to nearest with ties away from zero.
    public init(_ weights: [Float], outputChannels: Int) throws {
        try self.init(weights, outputChannels: outputChannels, bias: nil, inputScale: 1)
    }

    /// Quantizes weights whose layer adds `bias` to accumulators at `inputScale` x weight scale.
    ///
    /// A channel whose weights are nearly zero but whose bias is not (BatchNorm folding leaves
    /// such "dead" channels) would need a bias beyond Int32 in those units. Its scale is raised
    /// until the quantized bias stays within 2^22, which leaves the accumulator 2^31 - 2^22 of
    /// headroom for the products; such a channel's output is its bias anyway.
    public init(_ weights: [Float], outputChannels: Int, bias: [Float]?, inputScale: Float) throws {
        guard outputChannels >= 1, weights.count % outputChannels == 0, bias.map({ $0.count == outputChannels }) ?? true else {
            throw KernelError.shapeMismatch("\(weights.count) weights do not split into \(outputChannels) output channels")
        }
        let run = weights.count / outputChannels
        var scales: [Float] = []
        var values = [Int8](repeating: 0, count: weights.count)
        for c in 0..<outputChannels {
            let slice = weights[(c * run)..<((c + 1) * run)]
            let largest = slice.reduce(Float(0)) { Swift.max($0, abs($1)) }
            let floor = bias.map { abs($0[c]) / (inputScale * Float(1 << 22)) } ?? 0
            let scale = Swift.max(largest > 0 ? largest / 127 : 1, floor)
            scales.append(scale)
            for i in slice.indices {
                values[i] = Int8(Swift.min(Swift.max((weights[i] / scale).rounded(.toNearestOrAwayFromZero), -127), 127))
            }
        }
        self.values = values
        self.scales = scales
        self.outputChannels = outputChannels
    }

    /// A float bias in the accumulator's units (input scale x weight scale of its channel),
    /// rounded to nearest and saturated to Int32.
    public func quantizedBias(_ bias: [Float], inputScale: Float) throws -> [Int32] {
        guard bias.count == outputChannels else {
            throw KernelError.shapeMismatch("bias of \(bias.count) values for \(outputChannels) output channels")
        }
        return zip(bias, scales).map { b, s in
            let q = (Double(b) / (Double(inputScale) * Double(s))).rounded(.toNearestOrAwayFromZero)
            return Int32(Swift.min(Swift.max(q, Double(Int32.min)), Double(Int32.max)))
        }
    }
}
