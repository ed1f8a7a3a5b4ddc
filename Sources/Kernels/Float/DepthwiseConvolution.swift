/// A depthwise k x k convolution (one filter per channel) with TensorFlow "same" padding, bias and
/// a fused activation: the middle of every EfficientNet block.
///
/// Weights are PyTorch's OIHW with I = 1, i.e. `channels` filters of k x k row-major values, with
/// BatchNorm already folded into weights and bias.
public struct DepthwiseConvolution: Sendable {
    /// Channels of the input and of the output.
    public let channels: Int
    /// k of the k x k window.
    public let kernelSize: Int
    /// Step between windows, in both directions.
    public let stride: Int
    /// `channels * kernelSize * kernelSize` values, filter c at offset c * k * k.
    public let weights: [Float]
    /// One value per channel.
    public let bias: [Float]
    /// Applied to every output value.
    public let activation: ActivationClamp

    /// Checks that the buffers fit the shape; EfficientNet uses kernels 3 and 5 and strides 1 and
    /// 2, but any kernel and stride of at least 1 work.
    public init(
        channels: Int, kernelSize: Int, stride: Int, weights: [Float], bias: [Float], activation: ActivationClamp
    ) throws {
        guard channels >= 1, kernelSize >= 1, stride >= 1 else {
            throw KernelError.shapeMismatch(
                "depthwise convolution needs channels, kernel and stride >= 1, got \(channels), \(kernelSize), \(stride)"
            )
        }
        try expectCount(weights, channels * kernelSize * kernelSize, "depthwise \(kernelSize)x\(kernelSize) weights")
        try expectCount(bias, channels, "depthwise bias")
        self.channels = channels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// The convolution of `input`, which must have `channels` channels; the output has
    /// ceil(height / stride) x ceil(width / stride) positions.
    public func apply(_ input: Tensor3) -> Tensor3 {
        precondition(input.channels == channels, "depthwise convolution of \(channels) channels got \(input.channels)")
        let geometry = ConvolutionGeometry(
            inputHeight: input.height, inputWidth: input.width, kernel: kernelSize, stride: stride
        )
        return geometry.convolve(
            input, outputChannels: channels, depthwise: true, weights: weights, bias: bias, activation: activation
        )
    }
}
