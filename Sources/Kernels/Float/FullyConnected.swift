import COpenBLAS

/// A dense (fully connected) layer, y = W x + b with a fused activation: EfficientNet's
/// classifier, 1280 -> 1000.
///
/// A single vector makes this a matrix-vector product, which runs through OpenBLAS `cblas_sgemv`.
public struct FullyConnected: Sendable {
    /// Length of the input vector.
    public let inFeatures: Int
    /// Length of the output vector.
    public let outFeatures: Int
    /// PyTorch's `Linear` layout: `outFeatures` rows of `inFeatures` values.
    public let weights: [Float]
    /// One value per output feature.
    public let bias: [Float]
    /// Applied to every output value; the classifier uses `.none`.
    public let activation: ActivationClamp

    /// Checks that the buffers fit the shape.
    public init(
        inFeatures: Int, outFeatures: Int, weights: [Float], bias: [Float], activation: ActivationClamp = .none
    ) throws {
        guard inFeatures >= 1, outFeatures >= 1 else {
            throw KernelError.shapeMismatch(
                "fully connected layer needs at least one feature in and out, got \(inFeatures) -> \(outFeatures)"
            )
        }
        try expectCount(weights, outFeatures * inFeatures, "fully connected \(inFeatures)->\(outFeatures) weights")
        try expectCount(bias, outFeatures, "fully connected bias")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// The layer's output for `input`, which must hold `inFeatures` values.
    public func apply(_ input: [Float]) -> [Float] {
        precondition(input.count == inFeatures, "fully connected layer of \(inFeatures) features got \(input.count)")
        return [Float](unsafeUninitializedCapacity: outFeatures) { output, initialized in
            // Starting from the bias (beta = 1) saves a pass over the output.
            output.baseAddress!.initialize(from: bias, count: outFeatures)
            weights.withUnsafeBufferPointer { w in
                input.withUnsafeBufferPointer { x in
                    cblas_sgemv(
                        CblasRowMajor, CblasNoTrans, blasint(outFeatures), blasint(inFeatures),
                        1, w.baseAddress, blasint(inFeatures), x.baseAddress, 1,
                        1, output.baseAddress, 1
                    )
                }
            }
            activation.apply(to: output.baseAddress!, count: outFeatures)
            initialized = outFeatures
        }
    }
}
