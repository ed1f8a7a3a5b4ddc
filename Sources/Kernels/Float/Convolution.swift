/// A full k x k convolution (every input channel feeds every output channel) with TensorFlow
/// "same" padding, bias and a fused activation: EfficientNet's stem, 3x3 stride 2 from RGB to 32
/// channels.
///
/// Weights are PyTorch's OIHW, BatchNorm folded in.
public struct Convolution: Sendable {
    /// Channels of the input.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// k of the k x k window.
    public let kernelSize: Int
    /// Step between windows, in both directions.
    public let stride: Int
    /// `outChannels * inChannels * kernelSize * kernelSize` values in OIHW order.
    public let weights: [Float]
    /// One value per output channel.
    public let bias: [Float]
    /// Applied to every output value.
    public let activation: ActivationClamp

    /// Checks that the buffers fit the shape.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int,
        weights: [Float], bias: [Float], activation: ActivationClamp
    ) throws {
        guard inChannels >= 1, outChannels >= 1, kernelSize >= 1, stride >= 1 else {
            throw KernelError.shapeMismatch(
                "convolution needs channels, kernel and stride >= 1, got \(inChannels)->\(outChannels), "
                    + "\(kernelSize), \(stride)"
            )
        }
        try expectCount(
            weights, outChannels * inChannels * kernelSize * kernelSize,
            "convolution \(inChannels)->\(outChannels) \(kernelSize)x\(kernelSize) weights"
        )
        try expectCount(bias, outChannels, "convolution bias")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// The convolution of `input`, which must have `inChannels` channels; the output has
    /// ceil(height / stride) x ceil(width / stride) positions.
    ///
    /// Direct loops over padded input planes, not im2col + sgemm: for the stem (3 -> 32, 224x224)
    /// the direct loops took half the time, the copy into the 27 x 12544 matrix costing more than
    /// sgemm saves on a product this thin.
    public func apply(_ input: Tensor3) -> Tensor3 {
        precondition(input.channels == inChannels, "convolution of \(inChannels) channels got \(input.channels)")
        let geometry = ConvolutionGeometry(
            inputHeight: input.height, inputWidth: input.width, kernel: kernelSize, stride: stride
        )
        return geometry.convolve(
            input, outputChannels: outChannels, depthwise: false, weights: weights, bias: bias, activation: activation
        )
    }
}
