extension QuantizedPointwiseConvolution {
    /// The plain twin of ``apply(_:)``: the definition, one accumulator at a time, no folding.
    public func applyReference(_ x: QuantizedTensor) -> QuantizedTensor {
        let zx = input.zeroPoint
        return QuantizedTensor(height: x.height, width: x.width, channels: outChannels, parameters: requantization.output) { out in
            for p in 0..<x.positions {
                for o in 0..<outChannels {
                    var acc = bias[o]
                    for i in 0..<inChannels {
                        acc += (Int32(x.values[p * inChannels + i]) - zx) * Int32(weights.values[o * inChannels + i])
                    }
                    out[p * outChannels + o] = requantization.code(acc, channel: o)
                }
            }
        }
    }
}
