/// An int8 dense k x k convolution with TensorFlow "same" padding: EfficientNet's stem
/// (3x3, stride 2, 3 -> 32 channels), whose input is the image itself.
///
///     acc[y][x][o] = bias[o] + sum over i, taps inside the input of (x_in - zx) * w[o][i][ky][kx]
///
/// then requantized per output channel like the other int8 layers.
public struct QuantizedConvolution: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    /// PyTorch's OIHW: `outChannels` runs of `inChannels x k x k` codes.
    public let weights: QuantizedWeights
    public let bias: [Int32]
    public let input: QuantizationParameters
    public let requantization: Requantization

    /// Quantizes float weights (OIHW, BatchNorm folded) and bias.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, weights: [Float], bias: [Float],
                input: QuantizationParameters, output: QuantizationParameters, activation: ActivationClamp) throws {
        guard inChannels >= 1, outChannels >= 1 else { throw KernelError.shapeMismatch("int8 convolution needs channels in and out") }
        try expectCount(weights, outChannels * inChannels * kernelSize * kernelSize, "int8 convolution weights")
        let q = try QuantizedWeights(weights, outputChannels: outChannels, bias: bias, inputScale: input.scale)
        try self.init(inChannels: inChannels, kernelSize: kernelSize, stride: stride, weights: q,
                      bias: try q.quantizedBias(bias, inputScale: input.scale), input: input,
                      requantization: Requantization(inputScale: input.scale, weightScales: q.scales, output: output, activation: activation))
    }

    /// Wraps already quantized weights and bias.
    public init(inChannels: Int, kernelSize: Int, stride: Int, weights: QuantizedWeights, bias: [Int32],
                input: QuantizationParameters, requantization: Requantization) throws {
        let outChannels = weights.outputChannels
        guard inChannels >= 1, kernelSize >= 1, stride >= 1,
              weights.values.count == outChannels * inChannels * kernelSize * kernelSize,
              bias.count == outChannels, requantization.multipliers.count == outChannels else {
            throw KernelError.shapeMismatch("int8 convolution \(inChannels)->\(outChannels) \(kernelSize)x\(kernelSize): weights, bias or multipliers do not fit")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.input = input
        self.requantization = requantization
    }

    /// The convolution of `input`, whose parameters must be ``input``.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == inChannels && x.parameters == input, "int8 convolution got a tensor of other channels or quantization")
        return applyReference(x)
    }
}
