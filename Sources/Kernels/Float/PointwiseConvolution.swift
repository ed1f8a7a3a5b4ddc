import COpenBLAS

/// A 1x1 convolution with bias, a fused activation and an optional fused residual add: the
/// expansion and projection convolutions of EfficientNet and its head, nearly all of its MACs.
///
/// In CHW the whole layer is one matrix product, out[Cout, HW] = W[Cout, Cin] x X[Cin, HW], which
/// runs through OpenBLAS `cblas_sgemm` (threaded, see ``setThreadCount(_:)``).
public struct PointwiseConvolution: Sendable {
    /// Channels of the input.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// PyTorch's OIHW with H = W = 1: `outChannels` rows of `inChannels` values, BatchNorm folded in.
    public let weights: [Float]
    /// One value per output channel.
    public let bias: [Float]
    /// Applied before the residual is added.
    public let activation: ActivationClamp

    /// Checks that the buffers fit the shape.
    public init(
        inChannels: Int, outChannels: Int, weights: [Float], bias: [Float], activation: ActivationClamp
    ) throws {
        guard inChannels >= 1, outChannels >= 1 else {
            throw KernelError.shapeMismatch(
                "pointwise convolution needs at least one channel in and out, got \(inChannels) -> \(outChannels)"
            )
        }
        try expectCount(weights, outChannels * inChannels, "pointwise \(inChannels)->\(outChannels) weights")
        try expectCount(bias, outChannels, "pointwise bias")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// The convolution of `input` (which must have `inChannels` channels), activated, plus
    /// `residual` when given (same shape as the output, added after the activation).
    public func apply(_ input: Tensor3, residual: Tensor3? = nil) -> Tensor3 {
        precondition(input.channels == inChannels, "pointwise convolution of \(inChannels) channels got \(input.channels)")
        if let residual {
            precondition(
                residual.channels == outChannels && residual.height == input.height && residual.width == input.width,
                "residual \(residual.channels)x\(residual.height)x\(residual.width) does not match the output "
                    + "\(outChannels)x\(input.height)x\(input.width)"
            )
        }
        let plane = input.planeSize
        return Tensor3(channels: outChannels, height: input.height, width: input.width) { output in
            // BLAS rejects a leading dimension of 0: an empty image has nothing to compute.
            guard plane > 0 else { return }
            let out = output.baseAddress!
            input.values.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    // beta = 0: the output is uninitialised and sgemm must not read it.
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        blasint(outChannels), blasint(plane), blasint(inChannels),
                        1, w.baseAddress, blasint(inChannels),
                        x.baseAddress, blasint(plane),
                        0, out, blasint(plane)
                    )
                }
            }
            withResidual(residual) { skip in
                for o in 0..<outChannels {
                    activation.addBiasAndApply(bias[o], to: out + o * plane, count: plane, residual: skip.map { $0 + o * plane })
                }
            }
        }
    }
}

/// Calls `body` with a pointer to the values of `tensor`, or nil when there is none.
private func withResidual<R>(_ tensor: Tensor3?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.values.withUnsafeBufferPointer { body($0.baseAddress) }
}
