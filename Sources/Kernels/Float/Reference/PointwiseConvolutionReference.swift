extension PointwiseConvolution {
    /// The reference twin of ``apply(_:residual:)``: a plain triple loop, to test the sgemm path
    /// against. Slow; not for production.
    public func applyReference(_ input: Tensor3, residual: Tensor3? = nil) -> Tensor3 {
        var output = Tensor3(channels: outChannels, height: input.height, width: input.width)
        for o in 0..<outChannels {
            for y in 0..<input.height {
                for x in 0..<input.width {
                    var sum = bias[o]
                    for i in 0..<inChannels {
                        sum += weights[o * inChannels + i] * input[i, y, x]
                    }
                    var value = activation.apply(sum)
                    if let residual {
                        value += residual[o, y, x]
                    }
                    output[o, y, x] = value
                }
            }
        }
        return output
    }
}
