import CEagleKernels

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
///
/// ``apply(_:)`` runs the C kernel `eagle_pointwise_run` on the ``InstructionSet`` in use (AVX2
/// on x86-64, NEON dot product on AArch64, else portable C), with the weights packed once at init
/// into that kernel's layout, split over ``int8ThreadCount`` workers by positions.
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
    /// Weights, folded bias and requantization in the layout of the detected instruction set's
    /// kernel (nil when that is the portable one)...
    let packed: [Int8]?
    /// ...and of the portable kernel, used when the portable path is forced.
    let portablePacked: [Int8]

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
        let detected = InstructionSet.detected
        packed = detected == .portable ? nil
            : Self.pack(for: detected, inChannels: inChannels, outChannels: outChannels, weights: weights.values,
                        foldedBias: foldedBias, requantization: requantization)
        portablePacked = Self.pack(for: .portable, inChannels: inChannels, outChannels: outChannels, weights: weights.values,
                                   foldedBias: foldedBias, requantization: requantization)
    }

    private static func pack(for isa: InstructionSet, inChannels: Int, outChannels: Int, weights: [Int8], foldedBias: [Int32],
                             requantization: Requantization) -> [Int8] {
        let size = eagle_pointwise_packed_size(isa.cValue, Int32(inChannels), Int32(outChannels))
        let multipliers = requantization.multipliers.map(\.multiplier), shifts = requantization.multipliers.map(\.shift)
        return [Int8](unsafeUninitializedCapacity: size) { buffer, initialized in
            eagle_pointwise_pack(isa.cValue, Int32(inChannels), Int32(outChannels), weights, foldedBias, multipliers, shifts,
                                 requantization.output.zeroPoint, requantization.clamp.lowerBound,
                                 requantization.clamp.upperBound, buffer.baseAddress)
            initialized = size
        }
    }

    /// The convolution of `input`, whose parameters must be ``input``.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == inChannels && x.parameters == input, "int8 pointwise convolution got a tensor of other channels or quantization")
        let isa = InstructionSet.current
        let kernel = (isa != .portable && isa == InstructionSet.detected ? packed : nil) ?? portablePacked
        let threads = Int32(clamping: int8ThreadCount)
        return QuantizedTensor(height: x.height, width: x.width, channels: outChannels, parameters: requantization.output) { out in
            x.values.withUnsafeBufferPointer { input in
                kernel.withUnsafeBytes { kernel in
                    eagle_pointwise_run(kernel.baseAddress, input.baseAddress, out.baseAddress, Int32(x.positions), threads)
                }
            }
        }
    }
}
