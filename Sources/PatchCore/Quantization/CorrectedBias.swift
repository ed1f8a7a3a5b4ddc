import Kernels

/// The int8 layers with a per-channel correction added to their bias (accumulator units): the
/// same weights, input and requantization, rebuilt through the layers' "already quantized"
/// initializers. The sum saturates to Int32 (a correction is at most 2^22, see
/// ``BiasCorrections/limit``, so it never does in practice).
protocol CorrectableBias {
    /// What the input codes mean.
    var input: QuantizationParameters { get }
    /// The int8 weights, whose per-channel scales (times the input scale) are the bias's units.
    var weights: QuantizedWeights { get }
    /// The layer's output for `x`.
    func apply(_ x: QuantizedTensor) -> QuantizedTensor
    /// This layer with `correction[c]` added to the bias of output channel c.
    func addingToBias(_ correction: [Int32]) throws -> Self
}

/// bias[c] + correction[c], saturated; throws when the counts differ.
func correctedBias(_ bias: [Int32], _ correction: [Int32]) throws -> [Int32] {
    guard bias.count == correction.count else {
        throw PatchCoreError.inputMismatch("a bias correction of \(correction.count) channels for a layer of \(bias.count)")
    }
    return zip(bias, correction).map { Int32(clamping: Int64($0) + Int64($1)) }
}

extension QuantizedConvolution: CorrectableBias {
    func addingToBias(_ correction: [Int32]) throws -> QuantizedConvolution {
        try QuantizedConvolution(inChannels: inChannels, kernelSize: kernelSize, stride: stride, weights: weights,
                                 bias: correctedBias(bias, correction), input: input, requantization: requantization)
    }
}

extension QuantizedDepthwiseConvolution: CorrectableBias {
    func addingToBias(_ correction: [Int32]) throws -> QuantizedDepthwiseConvolution {
        try QuantizedDepthwiseConvolution(kernelSize: kernelSize, stride: stride, weights: weights,
                                          bias: correctedBias(bias, correction), input: input, requantization: requantization)
    }
}

extension QuantizedPointwiseConvolution: CorrectableBias {
    func addingToBias(_ correction: [Int32]) throws -> QuantizedPointwiseConvolution {
        try QuantizedPointwiseConvolution(inChannels: inChannels, weights: weights, bias: correctedBias(bias, correction),
                                          input: input, requantization: requantization)
    }
}
