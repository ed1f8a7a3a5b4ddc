/// A real multiplier as a fixed-point one: r ~ multiplier * 2^-shift, applied to an int32
/// accumulator to give an output code (gemmlowp's scheme, without its double rounding).
///
/// Definition, which every kernel and its reference twin implement bit for bit:
///
///     y = clamp(zeroPoint + ((Int64(acc) * multiplier + 2^(shift-1)) >> shift), low, high)
///
/// `>>` is an arithmetic shift, so the rounding is to nearest with ties toward +infinity. The
/// multiplier is normalised into [2^30, 2^31) (31 significant bits, far finer than the 8-bit
/// output), shift is in 1...62, and |acc| < 2^31, so the 64-bit product cannot overflow.
public struct FixedPointMultiplier: Sendable, Equatable, Hashable {
    /// In [2^30, 2^31), or smaller only when `shift` had to be capped at 62 for a tiny multiplier.
    public let multiplier: Int32
    /// Right shift, 1...62.
    public let shift: Int32

    /// The fixed-point form of `real`, which must be positive and below 2^30.
    public init(_ real: Double) throws {
        guard real.isFinite, real > 0, real < Double(1 << 30) else {
            throw KernelError.shapeMismatch("requantization multiplier \(real) is outside (0, 2^30)")
        }
        // real = f * 2^e with f in [0.5, 1): multiplier = f * 2^31, shift = 31 - e.
        var e = real.exponent + 1
        var m = (real.significand / 2 * Double(1 << 31)).rounded(.toNearestOrAwayFromZero)
        if m == Double(1 << 31) { m /= 2; e += 1 }
        var shift = 31 - e
        if shift > 62 {
            // A power of two as a Double: `1 << (shift - 62)` is 0 past 63 (1e-30 divided by 0 trapped).
            m = (m / Double(sign: .plus, exponent: shift - 62, significand: 1)).rounded(.toNearestOrAwayFromZero)
            shift = 62
        }
        multiplier = Int32(m)
        self.shift = Int32(shift)
    }

    /// Wraps a multiplier and shift taken from elsewhere (a test, a stored model).
    public init(multiplier: Int32, shift: Int32) {
        precondition(multiplier >= 0 && (1...62).contains(shift), "fixed-point multiplier needs multiplier >= 0 and shift in 1...62")
        self.multiplier = multiplier
        self.shift = shift
    }

    /// The real value this stands for.
    public var real: Double { Double(multiplier) / Double(sign: .plus, exponent: Int(shift), significand: 1) }

    /// round(acc * real), ties toward +infinity, before the zero point and the clamp.
    @inlinable
    public func scaled(_ acc: Int64) -> Int64 {
        (acc * Int64(multiplier) + (Int64(1) << (shift - 1))) >> Int64(shift)
    }
}

/// The epilogue of a convolution: per-output-channel fixed-point multipliers, the output zero
/// point and the clamp (ReLU6, or the full int8 range for a linear layer).
public struct Requantization: Sendable, Equatable {
    /// One per output channel: input scale x weight scale / output scale.
    public let multipliers: [FixedPointMultiplier]
    public let output: QuantizationParameters
    /// Output codes kept; ReLU6 becomes the codes of 0...6.
    public let clamp: ClosedRange<Int32>

    /// The requantization for accumulators at `inputScale * weightScales[c]` written as `output`,
    /// clamped to `activation`'s range.
    public init(inputScale: Float, weightScales: [Float], output: QuantizationParameters, activation: ActivationClamp) throws {
        multipliers = try weightScales.map { try FixedPointMultiplier(Double(inputScale) * Double($0) / Double(output.scale)) }
        self.output = output
        switch activation {
        case .none: clamp = -128...127
        case .relu6: clamp = output.codes(of: 0...6)
        }
    }

    /// The output code of accumulator `acc` in channel `c`.
    @inlinable
    public func code(_ acc: Int32, channel c: Int) -> Int8 {
        let y = Int64(output.zeroPoint) + multipliers[c].scaled(Int64(acc))
        return Int8(Swift.min(Swift.max(y, Int64(clamp.lowerBound)), Int64(clamp.upperBound)))
    }
}
