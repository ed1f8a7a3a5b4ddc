extension DepthwiseConvolution {
    /// The reference twin of ``apply(_:)``: naive loops that test every tap against the padding.
    /// Slow; not for production.
    public func applyReference(_ input: Tensor3) -> Tensor3 {
        let rows = SamePadding(size: input.height, kernel: kernelSize, stride: stride)
        let columns = SamePadding(size: input.width, kernel: kernelSize, stride: stride)
        var output = Tensor3(channels: channels, height: rows.outputSize, width: columns.outputSize)
        for c in 0..<channels {
            for oy in 0..<rows.outputSize {
                for ox in 0..<columns.outputSize {
                    var sum = bias[c]
                    for ky in 0..<kernelSize {
                        for kx in 0..<kernelSize {
                            let iy = oy * stride + ky - rows.before
                            let ix = ox * stride + kx - columns.before
                            if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width { continue }
                            sum += weights[(c * kernelSize + ky) * kernelSize + kx] * input[c, iy, ix]
                        }
                    }
                    output[c, oy, ox] = activation.apply(sum)
                }
            }
        }
        return output
    }
}
