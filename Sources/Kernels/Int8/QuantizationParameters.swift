/// The affine map between an int8 value q and the real value it stands for:
/// real = scale * (q - zeroPoint), q in -128...127.
///
/// Activations carry one pair per tensor (TFLite's per-tensor scheme); the zero point lets a
/// one-sided range such as ReLU6's 0...6 use all 256 codes while real 0 stays exactly
/// representable, which the padding of a convolution needs.
public struct QuantizationParameters: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Real value of one step; positive.
    public let scale: Float
    /// The code of real 0, in -128...127.
    public let zeroPoint: Int32

    /// Wraps a scale and zero point; throws unless scale > 0 and the zero point is a code.
    public init(scale: Float, zeroPoint: Int32) throws {
        guard scale.isFinite, scale > 0, (-128...127).contains(zeroPoint) else {
            throw KernelError.shapeMismatch("quantization needs a positive finite scale and a zero point in -128...127, got \(scale), \(zeroPoint)")
        }
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// The parameters that cover `min...max` with 256 codes. The range is first widened to
    /// include 0 (so 0 is a code) and given a floor of 1e-6 in width; the zero point is rounded
    /// to nearest, so the ends may move by up to half a step.
    public init(min: Float, max: Float) {
        let low = Swift.min(min.isFinite ? min : 0, 0)
        var high = Swift.max(max.isFinite ? max : 0, 0)
        if high - low < 1e-6 { high = low + 1e-6 }
        let scale = (high - low) / 255
        let zero = (-128 - Double(low / scale)).rounded(.toNearestOrAwayFromZero)
        self.scale = scale
        self.zeroPoint = Int32(Swift.min(Swift.max(zero, -128), 127))
    }

    /// The code nearest to `value` (ties away from zero), saturated to -128...127.
    @inlinable
    public func quantize(_ value: Float) -> Int8 {
        let q = (Double(value) / Double(scale)).rounded(.toNearestOrAwayFromZero) + Double(zeroPoint)
        return Int8(Swift.min(Swift.max(q, -128), 127))
    }

    /// The real value of `code`.
    @inlinable
    public func dequantize(_ code: Int8) -> Float {
        scale * Float(Int32(code) - zeroPoint)
    }

    /// The codes of a real interval, clipped to -128...127: the clamp a fused activation becomes.
    public func codes(of range: ClosedRange<Float>) -> ClosedRange<Int32> {
        let low = Swift.max(-128, Int32(quantize(range.lowerBound)))
        let high = Swift.min(127, Int32(quantize(range.upperBound)))
        return low...Swift.max(low, high)
    }

    public var description: String { "scale \(scale) zero point \(zeroPoint)" }
}
