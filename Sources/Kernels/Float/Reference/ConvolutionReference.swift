extension Convolution {
    /// The reference twin of ``apply(_:)``: the six-deep loop of the definition, testing every tap
    /// against the padding. Slow; not for production.
    public func applyReference(_ input: Tensor3) -> Tensor3 {
        let rows = SamePadding(size: input.height, kernel: kernelSize, stride: stride)
        let columns = SamePadding(size: input.width, kernel: kernelSize, stride: stride)
        var output = Tensor3(channels: outChannels, height: rows.outputSize, width: columns.outputSize)
        for o in 0..<outChannels {
            for oy in 0..<rows.outputSize {
                for ox in 0..<columns.outputSize {
                    var sum = bias[o]
                    for i in 0..<inChannels {
                        for ky in 0..<kernelSize {
                            for kx in 0..<kernelSize {
                                let iy = oy * stride + ky - rows.before
                                let ix = ox * stride + kx - columns.before
                                if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width { continue }
                                let w = weights[((o * inChannels + i) * kernelSize + ky) * kernelSize + kx]
                                sum += w * input[i, iy, ix]
                            }
                        }
                    }
                    output[o, oy, ox] = activation.apply(sum)
                }
            }
        }
        return output
    }
}
