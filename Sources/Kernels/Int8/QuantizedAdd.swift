import CEagleKernels

/// The residual add of two int8 tensors of the same shape, each with its own quantization,
/// written in a third.
///
///     y = clamp(zo + (((a - za) * Ma + (b - zb) * Mb + 2^(n-1)) >> n), -128, 127)   (Int64)
///
/// Ma = round(sa / so * 2^n) and Mb likewise share one shift n, chosen so the larger is in
/// [2^29, 2^30]; |a - za| <= 255, so the sum stays below 2^39. Rounding: to nearest, ties toward
/// +infinity (arithmetic shift), as in ``FixedPointMultiplier``.
public struct QuantizedAdd: Sendable, Equatable {
    public let a: QuantizationParameters
    public let b: QuantizationParameters
    public let output: QuantizationParameters
    public let multiplierA: Int64
    public let multiplierB: Int64
    public let shift: Int64

    public init(a: QuantizationParameters, b: QuantizationParameters, output: QuantizationParameters) {
        let ra = Double(a.scale) / Double(output.scale), rb = Double(b.scale) / Double(output.scale)
        // The larger ratio gets 30 bits: shift = 29 - floor(log2(max)), kept in 1...62.
        let shift = Swift.min(62, Swift.max(1, 29 - Swift.max(ra, rb).exponent))
        let unit = Double(sign: .plus, exponent: shift, significand: 1)
        self.a = a
        self.b = b
        self.output = output
        multiplierA = Int64((ra * unit).rounded(.toNearestOrAwayFromZero))
        multiplierB = Int64((rb * unit).rounded(.toNearestOrAwayFromZero))
        self.shift = Int64(shift)
    }

    /// a + b; both must have this add's parameters and the same shape. Runs the C kernel
    /// (`add.c`: AVX2 or NEON, exact for every add this type makes from ordinary scales, else
    /// portable C), split over ``int8ThreadCount`` workers for large tensors.
    public func apply(_ x: QuantizedTensor, _ y: QuantizedTensor) -> QuantizedTensor {
        precondition(x.parameters == a && y.parameters == b && x.values.count == y.values.count
                     && x.height == y.height && x.width == y.width, "int8 add of tensors that do not match it")
        let count = x.values.count
        return QuantizedTensor(height: x.height, width: x.width, channels: x.channels, parameters: output) { out in
            guard count > 0 else { return }
            x.values.withUnsafeBufferPointer { xs in
                y.values.withUnsafeBufferPointer { ys in
                    let (left, right, target) = (SharedBuffer(readOnly: xs), SharedBuffer(readOnly: ys), SharedBuffer(out))
                    // About 1 ns a code: split only what takes longer than a thread hop.
                    let workers = Swift.max(1, Swift.min(int8ThreadCount, count / 65_536))
                    let tasks = workers == 1 ? 1 : workers * Int8Kernel.tasksPerWorker
                    let (za, zb, zo) = (a.zeroPoint, b.zeroPoint, output.zeroPoint)
                    let (ma, mb, n) = (multiplierA, multiplierB, shift)
                    Parallel.forEach(tasks, workers: workers) { t in
                        // Chunks of whole 16-code vectors.
                        let begin = (count * t / tasks) & ~15, end = t == tasks - 1 ? count : (count * (t + 1) / tasks) & ~15
                        eagle_add(left.pointer.baseAddress! + begin, right.pointer.baseAddress! + begin,
                                  target.pointer.baseAddress! + begin, end - begin, za, zb, zo, ma, mb, n)
                    }
                }
            }
        }
    }

    /// The output code of one pair of codes.
    @inlinable
    public func code(_ x: Int8, _ y: Int8) -> Int8 {
        let sum = (Int64(x) - Int64(a.zeroPoint)) * multiplierA + (Int64(y) - Int64(b.zeroPoint)) * multiplierB
        let v = Int64(output.zeroPoint) + ((sum + (Int64(1) << (shift - 1))) >> shift)
        return Int8(Swift.min(Swift.max(v, -128), 127))
    }
}
