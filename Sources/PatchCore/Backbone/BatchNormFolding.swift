extension BatchNormWeights {
    /// Folds this batch norm into the convolution before it: for output channel o,
    /// w'[o, ...] = w[o, ...] * s[o] and b'[o] = beta[o] - mean[o] * s[o], with
    /// s = gamma / sqrt(variance + eps). Inference then needs no separate normalisation pass.
    /// - Parameter weights: the convolution's weights, output channel first (OIHW or O x I).
    func fold(into weights: [Float], epsilon: Float) -> (weights: [Float], bias: [Float]) {
        let perChannel = weights.count / channels
        precondition(perChannel * channels == weights.count, "weights do not split into \(channels) output channels")
        var folded = weights
        var bias = [Float](repeating: 0, count: channels)
        for o in 0..<channels {
            // Some trained channels have variance exactly 0: eps keeps the scale finite.
            let scale = gamma[o] / (variance[o] + epsilon).squareRoot()
            for i in (o * perChannel)..<((o + 1) * perChannel) { folded[i] *= scale }
            bias[o] = beta[o] - mean[o] * scale
        }
        return (folded, bias)
    }
}
