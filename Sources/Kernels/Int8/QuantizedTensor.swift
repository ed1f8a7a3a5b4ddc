import CEagleKernels

/// One image's int8 activations in HWC order (channels innermost) with their quantization.
///
/// HWC, unlike the fp32 path's CHW: a 1x1 convolution then reads each position's channels as one
/// contiguous vector (the K dimension of its matrix product, which the dot-product instructions
/// consume four bytes at a time), and a depthwise convolution vectorises across channels.
public struct QuantizedTensor: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// `height * width * channels` codes; element (y, x, c) is at `(y * width + x) * channels + c`.
    public var values: [Int8]
    /// What the codes mean.
    public let parameters: QuantizationParameters

    /// Wraps existing codes; throws when their count does not match the shape.
    public init(height: Int, width: Int, channels: Int, values: [Int8], parameters: QuantizationParameters) throws {
        guard height >= 0, width >= 0, channels >= 0, values.count == height * width * channels else {
            throw KernelError.shapeMismatch("int8 tensor \(height)x\(width)x\(channels) needs \(Swift.max(0, height * width * channels)) values, got \(values.count)")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values
        self.parameters = parameters
    }

    /// A tensor whose every code `body` writes before returning.
    init(height: Int, width: Int, channels: Int, parameters: QuantizationParameters,
         uninitialized body: (UnsafeMutableBufferPointer<Int8>) -> Void) {
        let count = height * width * channels
        self.height = height
        self.width = width
        self.channels = channels
        self.parameters = parameters
        self.values = [Int8](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
    }

    /// Positions (height * width).
    @inlinable public var positions: Int { height * width }

    /// The code at row `y`, column `x`, channel `c`.
    @inlinable
    public subscript(y: Int, x: Int, c: Int) -> Int8 {
        values[(y * width + x) * channels + c]
    }

    /// Quantizes a CHW float tensor (used by tests and to feed the int8 network float data).
    public init(quantizing tensor: Tensor3, parameters: QuantizationParameters) {
        let (h, w, c) = (tensor.height, tensor.width, tensor.channels)
        self.init(height: h, width: w, channels: c, parameters: parameters) { out in
            for ch in 0..<c {
                for p in 0..<(h * w) { out[p * c + ch] = parameters.quantize(tensor.values[ch * h * w + p]) }
            }
        }
    }

    /// The real values as a CHW float tensor, which the patch-feature code consumes:
    /// scale * Float(code - zeroPoint), one rounding, as ``QuantizationParameters/dequantize(_:)``
    /// (in C, blocked so that the transposition stays in cache).
    public func dequantized() -> Tensor3 {
        let plane = positions, c = channels
        let scale = parameters.scale, zero = parameters.zeroPoint
        return Tensor3(channels: c, height: height, width: width) { out in
            values.withUnsafeBufferPointer { q in
                guard let source = q.baseAddress, let target = out.baseAddress else { return }
                eagle_dequantize_hwc_to_chw(source, Int32(plane), Int32(c), scale, zero, target)
            }
        }
    }
}
