extension FullyConnected {
    /// The reference twin of ``apply(_:)``: one dot product per output. Slow; not for production.
    public func applyReference(_ input: [Float]) -> [Float] {
        var output = [Float](repeating: 0, count: outFeatures)
        for o in 0..<outFeatures {
            var sum = bias[o]
            for i in 0..<inFeatures {
                sum += weights[o * inFeatures + i] * input[i]
            }
            output[o] = activation.apply(sum)
        }
        return output
    }
}
