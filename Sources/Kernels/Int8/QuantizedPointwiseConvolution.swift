/// An int8 1x1 convolution: int8 activations (per-tensor affine) times int8 weights (per output
/// channel symmetric), int32 accumulation, fixed-point requantization and a fused clamp.
///
/// Real arithmetic it stands for: y[p][o] = act(b[o] + sum_i x[p][i] * w[o][i]). In codes:
///
///     acc[p][o] = bias[o] + sum_i (x[p][i] - zx) * w[o][i]          (int32, units sx * sw[o])
///     y[p][o]   = requantization.code(acc[p][o], channel: o)
///
/// The optimised path folds -zx * sum_i w[o][i] into the bias once, so its inner loop multiplies
/// raw codes; integer arithmetic makes that exact, and the reference twin (which does not fold)
/// must agree bit for bit.
public struct QuantizedPointwiseConvolution: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    /// `outChannels` rows of `inChannels` codes.
    public let weights: QuantizedWeights
    /// In accumulator units (input scale x weight scale of the channel).
    public let bias: [Int32]
    /// What the input codes must mean.
    public let input: QuantizationParameters
    public let requantization: Requantization
    /// bias[o] - zx * sum_i w[o][i].
    let foldedBias: [Int32]

    /// Quantizes float weights (BatchNorm folded, `outChannels x inChannels`) and bias for an
    /// input quantized as `input`, writing `output` with `activation` as a clamp.
    public init(inChannels: Int, outChannels: Int, weights: [Float], bias: [Float],
                input: QuantizationParameters, output: QuantizationParameters, activation: ActivationClamp) throws {
        guard inChannels >= 1, outChannels >= 1 else {
            throw KernelError.shapeMismatch("int8 pointwise convolution needs channels in and out, got \(inChannels) -> \(outChannels)")
        }
        try expectCount(weights, outChannels * inChannels, "int8 pointwise \(inChannels)->\(outChannels) weights")
        let q = try QuantizedWeights(weights, outputChannels: outChannels, bias: bias, inputScale: input.scale)
        try self.init(inChannels: inChannels, weights: q, bias: try q.quantizedBias(bias, inputScale: input.scale),
                      input: input, requantization: Requantization(inputScale: input.scale, weightScales: q.scales,
                                                                   output: output, activation: activation))
    }

    /// Wraps already quantized weights and bias (tests build odd cases this way).
    public init(inChannels: Int, weights: QuantizedWeights, bias: [Int32], input: QuantizationParameters,
                requantization: Requantization) throws {
        let outChannels = weights.outputChannels
        guard weights.values.count == outChannels * inChannels, bias.count == outChannels,
              requantization.multipliers.count == outChannels else {
            throw KernelError.shapeMismatch("int8 pointwise \(inChannels)->\(outChannels): weights, bias or multipliers do not fit")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.weights = weights
        self.bias = bias
        self.input = input
        self.requantization = requantization
        foldedBias = (0..<outChannels).map { o in
            let sum = weights.values[(o * inChannels)..<((o + 1) * inChannels)].reduce(Int32(0)) { $0 + Int32($1) }
            return bias[o] &- input.zeroPoint &* sum
        }
    }

    /// The convolution of `input`, whose parameters must be ``input``.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == inChannels && x.parameters == input, "int8 pointwise convolution got a tensor of other channels or quantization")
        return applyReference(x)
    }
}
