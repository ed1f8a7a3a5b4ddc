/// The kernel taps under one or two output rows of a padded, phase-split plane (see
/// ``ConvolutionGeometry``), summed a vector of output columns at a time.
///
/// Everything the sums read lies inside the padded planes, so no load needs a check. The vector
/// types are the portable Swift SIMD types: LLVM maps them to SSE on x86-64's baseline and to
/// NEON on the board.
struct TapWindow {
    /// Window origin of output column 0 of the first row, in the first plane.
    let origin: UnsafePointer<Float>
    /// Floats from one output row's window origin to the next one's.
    let nextRow: Int
    let planeCount: Int
    let planeStride: Int
    /// Taps per plane, k * k.
    let taps: Int
    let offsets: UnsafePointer<Int>
    let filters: UnsafePointer<Float>
    let bias: Float

    /// Writes `width` sums of the first row, and of the next row right after them when `pair`.
    @inline(__always)
    func write(width: Int, pair: Bool, into output: UnsafeMutablePointer<Float>) {
        // The widest vector that fits the row; the last chunk overlaps the previous one instead
        // of leaving a scalar tail (it rewrites equal values).
        if width >= 16 {
            write(SIMD16<Float>.self, width: width, pair: pair, into: output)
        } else if width >= 8 {
            write(SIMD8<Float>.self, width: width, pair: pair, into: output)
        } else if width >= 4 {
            write(SIMD4<Float>.self, width: width, pair: pair, into: output)
        } else {
            for row in 0..<(pair ? 2 : 1) {
                for ox in 0..<width { output[row * width + ox] = scalar(at: row * nextRow + ox) }
            }
        }
    }

    @inline(__always)
    private func write<V: SIMD>(_: V.Type, width: Int, pair: Bool, into output: UnsafeMutablePointer<Float>)
    where V.Scalar == Float {
        var ox = 0
        while true {
            let start = Swift.min(ox, width - V.scalarCount)
            if pair {
                let (first, second) = vectors(V.self, at: start)
                UnsafeMutableRawPointer(output + start).storeBytes(of: first, as: V.self)
                UnsafeMutableRawPointer(output + width + start).storeBytes(of: second, as: V.self)
            } else {
                UnsafeMutableRawPointer(output + start).storeBytes(of: vector(V.self, at: start), as: V.self)
            }
            ox += V.scalarCount
            if ox >= width { break }
        }
    }

    /// Output columns ox ..< ox + V.scalarCount of the first row. In the split plane
    /// consecutive output columns read consecutive slots, whatever the stride.
    @inline(__always)
    private func vector<V: SIMD>(_: V.Type, at ox: Int) -> V where V.Scalar == Float {
        var sum = V(repeating: bias)
        for plane in 0..<planeCount {
            let base = origin + plane * planeStride + ox
            let filter = filters + plane * taps
            for t in 0..<taps {
                multiplyAdd(&sum, V(repeating: filter[t]), (base + offsets[t]).loadVector(V.self))
            }
        }
        return sum
    }

    /// The same columns of both rows: each weight is loaded once for two independent sums.
    @inline(__always)
    private func vectors<V: SIMD>(_: V.Type, at ox: Int) -> (V, V) where V.Scalar == Float {
        var first = V(repeating: bias), second = first
        for plane in 0..<planeCount {
            let base = origin + plane * planeStride + ox
            let filter = filters + plane * taps
            for t in 0..<taps {
                let weight = V(repeating: filter[t])
                let tap = base + offsets[t]
                multiplyAdd(&first, weight, tap.loadVector(V.self))
                multiplyAdd(&second, weight, (tap + nextRow).loadVector(V.self))
            }
        }
        return (first, second)
    }

    /// One output column at `position` floats from the origin, for rows narrower than a vector.
    private func scalar(at position: Int) -> Float {
        var sum = bias
        for plane in 0..<planeCount {
            let base = origin + plane * planeStride + position
            let filter = filters + plane * taps
            for t in 0..<taps { sum += filter[t] * base[offsets[t]] }
        }
        return sum
    }
}

/// sum += a * b, lane by lane.
@inline(__always)
private func multiplyAdd<V: SIMD>(_ sum: inout V, _ a: V, _ b: V) where V.Scalar == Float {
    #if arch(arm64)
    // One fused multiply-add instruction (fmla) on the board. x86-64's baseline has no FMA,
    // where the same call would become a libm call per lane.
    sum.addProduct(a, b)
    #else
    sum += a * b
    #endif
}
