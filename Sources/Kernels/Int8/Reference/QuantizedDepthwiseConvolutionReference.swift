extension QuantizedDepthwiseConvolution {
    /// The plain twin of ``apply(_:)``: every tap bounds-checked, padding skipped.
    public func applyReference(_ x: QuantizedTensor) -> QuantizedTensor {
        let rows = SamePadding(size: x.height, kernel: kernelSize, stride: stride)
        let cols = SamePadding(size: x.width, kernel: kernelSize, stride: stride)
        let k = kernelSize, c = channels, zx = input.zeroPoint
        return QuantizedTensor(height: rows.outputSize, width: cols.outputSize, channels: c, parameters: requantization.output) { out in
            for oy in 0..<rows.outputSize {
                for ox in 0..<cols.outputSize {
                    for ch in 0..<c {
                        var acc = bias[ch]
                        for ky in 0..<k {
                            let iy = oy * stride + ky - rows.before
                            guard iy >= 0, iy < x.height else { continue }
                            for kx in 0..<k {
                                let ix = ox * stride + kx - cols.before
                                guard ix >= 0, ix < x.width else { continue }
                                acc += (Int32(x[iy, ix, ch]) - zx) * Int32(weights.values[(ch * k + ky) * k + kx])
                            }
                        }
                        out[(oy * cols.outputSize + ox) * c + ch] = requantization.code(acc, channel: ch)
                    }
                }
            }
        }
    }
}
