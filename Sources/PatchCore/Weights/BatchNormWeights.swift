/// The four per-channel vectors of one batch norm, as trained (not folded: folding into the
/// preceding convolution is the backbone's business, and needs `EfficientNetLite0Weights.batchNormEpsilon`).
public struct BatchNormWeights: Sendable, Equatable {
    /// The names of the four tensors under a batch norm's prefix, in this struct's order.
    public static let parameterNames = ["weight", "bias", "running_mean", "running_var"]

    /// Scale (gamma, `<prefix>.weight`).
    public let gamma: [Float]
    /// Shift (beta, `<prefix>.bias`).
    public let beta: [Float]
    /// Running mean (`<prefix>.running_mean`).
    public let mean: [Float]
    /// Running variance (`<prefix>.running_var`), non-negative.
    public let variance: [Float]

    /// The number of channels.
    public var channels: Int { gamma.count }

    /// A batch norm from its four vectors, all of one length.
    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float]) {
        precondition(beta.count == gamma.count && mean.count == gamma.count && variance.count == gamma.count,
                     "batch norm vectors of different lengths")
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
    }
}
