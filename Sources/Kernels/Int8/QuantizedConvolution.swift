import CEagleKernels

/// An int8 dense k x k convolution with TensorFlow "same" padding: EfficientNet's stem
/// (3x3, stride 2, 3 -> 32 channels), whose input is the image itself.
///
///     acc[y][x][o] = bias[o] + sum over i, taps inside the input of (x_in - zx) * w[o][i][ky][kx]
///
/// then requantized per output channel like the other int8 layers.
///
/// ``apply(_:)`` runs the C kernel (`convolution.c`: AVX2 madd or NEON sdot over the gathered
/// window, or portable C) on output rows split over ``int8ThreadCount`` workers;
/// ``applyReference(_:)`` is its plain twin.
public struct QuantizedConvolution: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    /// PyTorch's OIHW: `outChannels` runs of `inChannels x k x k` codes.
    public let weights: QuantizedWeights
    public let bias: [Int32]
    public let input: QuantizationParameters
    public let requantization: Requantization
    /// Weights reordered and bias folded for the C kernel (`eagle_convolution_pack`), made once.
    let packed: [UInt8]

    /// Quantizes float weights (OIHW, BatchNorm folded) and bias.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, weights: [Float], bias: [Float],
                input: QuantizationParameters, output: QuantizationParameters, activation: ActivationClamp) throws {
        guard inChannels >= 1, outChannels >= 1 else { throw KernelError.shapeMismatch("int8 convolution needs channels in and out") }
        try expectCount(weights, outChannels * inChannels * kernelSize * kernelSize, "int8 convolution weights")
        let q = try QuantizedWeights(weights, outputChannels: outChannels, bias: bias, inputScale: input.scale)
        try self.init(inChannels: inChannels, kernelSize: kernelSize, stride: stride, weights: q,
                      bias: try q.quantizedBias(bias, inputScale: input.scale), input: input,
                      requantization: Requantization(inputScale: input.scale, weightScales: q.scales, output: output, activation: activation))
    }

    /// Wraps already quantized weights and bias.
    public init(inChannels: Int, kernelSize: Int, stride: Int, weights: QuantizedWeights, bias: [Int32],
                input: QuantizationParameters, requantization: Requantization) throws {
        let outChannels = weights.outputChannels
        guard inChannels >= 1, kernelSize >= 1, stride >= 1,
              weights.values.count == outChannels * inChannels * kernelSize * kernelSize,
              bias.count == outChannels, requantization.multipliers.count == outChannels else {
            throw KernelError.shapeMismatch("int8 convolution \(inChannels)->\(outChannels) \(kernelSize)x\(kernelSize): weights, bias or multipliers do not fit")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.weights = weights
        self.bias = bias
        self.input = input
        self.requantization = requantization
        let clamp = requantization.clamp
        let multipliers = requantization.multipliers.map(\.multiplier), shifts = requantization.multipliers.map(\.shift)
        packed = Int8Kernel.pack(eagle_convolution_packed_size(Int32(inChannels), Int32(outChannels), Int32(kernelSize))) { out in
            eagle_convolution_pack(Int32(inChannels), Int32(outChannels), Int32(kernelSize), Int32(stride), weights.values,
                                   bias, multipliers, shifts, input.zeroPoint, requantization.output.zeroPoint,
                                   clamp.lowerBound, clamp.upperBound, out)
        }
    }

    /// The convolution of `input`, whose parameters must be ``input``.
    public func apply(_ x: QuantizedTensor) -> QuantizedTensor {
        precondition(x.channels == inChannels && x.parameters == input, "int8 convolution got a tensor of other channels or quantization")
        let rows = SamePadding(size: x.height, kernel: kernelSize, stride: stride)
        let cols = SamePadding(size: x.width, kernel: kernelSize, stride: stride)
        return QuantizedTensor(height: rows.outputSize, width: cols.outputSize, channels: outChannels,
                               parameters: requantization.output) { out in
            Int8Kernel.run(packed, x, out, rows: rows.outputSize,
                           work: cols.outputSize * outChannels * inChannels * kernelSize * kernelSize, eagle_convolution_run)
        }
    }
}

extension QuantizedTensor {
    /// What ``imageInput(rgb:width:height:)`` codes mean: real = (pixel - 127) / 128, EfficientNet's
    /// input normalisation, with code = pixel - 128.
    public static let imageInputParameters = try! QuantizationParameters(scale: 1.0 / 128, zeroPoint: -1)

    /// An RGB8 image (`height` rows of `width` pixels, 3 bytes each, no row padding) as the stem's
    /// int8 input: code = pixel - 128, with ``imageInputParameters``.
    public static func imageInput(rgb: UnsafeBufferPointer<UInt8>, width: Int, height: Int) throws -> QuantizedTensor {
        guard width >= 0, height >= 0, rgb.count == width * height * 3 else {
            throw KernelError.shapeMismatch("an RGB image of \(width)x\(height) needs \(Swift.max(0, width * height * 3)) bytes, got \(rgb.count)")
        }
        return QuantizedTensor(height: height, width: width, channels: 3, parameters: imageInputParameters) { out in
            if let source = rgb.baseAddress, let target = out.baseAddress { eagle_image_input(source, target, rgb.count) }
        }
    }

    /// As ``imageInput(rgb:width:height:)`` from an array.
    public static func imageInput(rgb: [UInt8], width: Int, height: Int) throws -> QuantizedTensor {
        try rgb.withUnsafeBufferPointer { try imageInput(rgb: $0, width: width, height: height) }
    }
}
