/// An int8 depthwise k x k convolution with TensorFlow "same" padding (see ``SamePadding``).
///
///     acc[y][x][c] = bias[c] + sum over taps inside the input of (x_in - zx) * w[c][ky][kx]
///     y[y][x][c]   = requantization.code(acc, channel: c)
///
/// Taps in the padding contribute nothing, as real zeros would; an optimised path may instead pad
/// with the code zx, which is the same thing.
public struct QuantizedDepthwiseConvolution: Sendable {
    public let channels: Int
    public let kernelSize: Int
    public let stride: Int
    /// `channels` filters of k x k row-major codes (PyTorch's layout).
    public let weights: QuantizedWeights
    /// In accumulator units.
    public let bias: [Int32]
    public let input: QuantizationParameters
    public let requantization: Requantization

    /// Quantizes float weights (`channels x k x k`, BatchNorm folded) and bias.
    public init(channels: Int, kernelSize: Int, stride: Int, weights: [Float], bias: [Float],
                input: QuantizationParameters, output: QuantizationParameters, activation: ActivationClamp) throws {
        guard channels >= 1 else { throw KernelError.shapeMismatch("int8 depthwise convolution needs channels") }
        try expectCount(weights, channels * kernelSize * kernelSize, "int8 depthwise \(kernelSize)x\(kernelSize) weights")
        let q = try QuantizedWeights(weights, outputChannels: channels, bias: bias, inputScale: input.scale)
        try self.init(kernelSize: kernelSize, stride: stride, weights: q, bias: try q.quantizedBias(bias, inputScale: input.scale),
                      input: input, requantization: Requantization(inputScale: input.scale, weightScales: q.scales,
                                                                   output: output, activation: activation))
    }

    /// Wraps already quantized weights and bias.
    public init(kernelSize: Int, stride: Int, weights: QuantizedWeights, bias: [Int32], input: QuantizationParameters,
                requantization: Requantization) throws {
        let channels = weights.outputChannels
        guard kernelSize >= 1, stride >= 1, weights.values.count == channels * kernelSize * kernelSize,
              bias.count == channels, requantization.multipliers.count == channels else {
            throw KernelError.shapeMismatch("int8 depthwise \(kernelSize)x\(kernelSize)/\(stride) of \(channels) channels: weights, bias or multipliers do not fit")
        }
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.input = input
        self.requantization = requantization
    }

    /// The convolution of `input`; the output has ceil(h / stride) x ceil(w / stride) positions.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == channels && x.parameters == input, "int8 depthwise convolution got a tensor of other channels or quantization")
        return applyReference(x)
    }
}
