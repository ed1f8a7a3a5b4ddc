import CEagleKernels
import Glibc

/// A single-channel Float image: anomaly maps, patch-score grids, masks as 0/1.
public struct FloatPlane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, `width * height` values.
    public var values: [Float]

    public init(width: Int, height: Int, fill: Float = 0) {
        precondition(width >= 0 && height >= 0, "plane dimensions must not be negative")
        self.width = width
        self.height = height
        self.values = [Float](repeating: fill, count: width * height)
    }

    /// Wraps values; throws when the count does not match the size.
    public init(width: Int, height: Int, values: [Float]) throws {
        guard width >= 0, height >= 0, values.count == width * height else {
            throw ImagingError.invalidGeometry("plane \(width)x\(height) needs \(max(0, width * height)) values, got \(values.count)")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    @inlinable
    public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The largest value and where it is; nil for an empty plane.
    public var maximum: (value: Float, x: Int, y: Int)? {
        guard let index = values.indices.max(by: { values[$0] < values[$1] }) else { return nil }
        return (values[index], index % width, index / width)
    }

    /// Bilinear interpolation with half-pixel centres and edge clamping: PyTorch's
    /// `interpolate(mode="bilinear", align_corners=False)`, which the PatchCore reference code
    /// uses to bring patch scores up to the input size. No antialiasing: meant for upscaling.
    public func resizedBilinear(width newWidth: Int, height newHeight: Int) throws -> FloatPlane {
        guard newWidth > 0, newHeight > 0, width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize a \(width)x\(height) plane to \(newWidth)x\(newHeight)")
        }
        let xs = Self.bilinearTaps(inSize: width, outSize: newWidth)
        let ys = Self.bilinearTaps(inSize: height, outSize: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        // Each output is top * (1 - fy) + bottom * fy, with top and bottom the horizontal
        // interpolations a * (1 - fx) + b * fx of two source rows. Those are computed once per
        // source row (an upscale reuses each for many output rows), then the vertical step runs
        // over whole rows; the arithmetic of every output is unchanged.
        var across = [Float](repeating: 0, count: height * newWidth)
        values.withUnsafeBufferPointer { src in
            across.withUnsafeMutableBufferPointer { h in
                for y in 0..<height {
                    let row = y * width, target = y * newWidth
                    for (ox, tx) in xs.enumerated() {
                        h[target + ox] = src[row + tx.i0] * (1 - tx.f) + src[row + tx.i1] * tx.f
                    }
                }
            }
        }
        across.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { dst in
                for (oy, ty) in ys.enumerated() {
                    let top = h.baseAddress.unsafelyUnwrapped + ty.i0 * newWidth
                    let bottom = h.baseAddress.unsafelyUnwrapped + ty.i1 * newWidth
                    let target = dst.baseAddress.unsafelyUnwrapped + oy * newWidth
                    let g = 1 - ty.f, f = ty.f
                    for ox in 0..<newWidth { target[ox] = top[ox] * g + bottom[ox] * f }
                }
            }
        }
        return FloatPlane(uncheckedWidth: newWidth, height: newHeight, values: out)
    }

    /// The plain twin of ``resizedBilinear(width:height:)``: each output from its four source
    /// samples, one at a time. For tests.
    public func resizedBilinearReference(width newWidth: Int, height newHeight: Int) throws -> FloatPlane {
        guard newWidth > 0, newHeight > 0, width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize a \(width)x\(height) plane to \(newWidth)x\(newHeight)")
        }
        let xs = Self.bilinearTaps(inSize: width, outSize: newWidth), ys = Self.bilinearTaps(inSize: height, outSize: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        for (oy, ty) in ys.enumerated() {
            for (ox, tx) in xs.enumerated() {
                let top = self[tx.i0, ty.i0] * (1 - tx.f) + self[tx.i1, ty.i0] * tx.f
                let bottom = self[tx.i0, ty.i1] * (1 - tx.f) + self[tx.i1, ty.i1] * tx.f
                out[oy * newWidth + ox] = top * (1 - ty.f) + bottom * ty.f
            }
        }
        return FloatPlane(uncheckedWidth: newWidth, height: newHeight, values: out)
    }

    /// The bilinear resampling of ``resizedBilinear(width:height:)`` along one axis: per output
    /// sample, its two source indices and the weight of the second one (PyTorch's half-pixel
    /// centres, `align_corners=False`). Other resamplers of the same data use it to agree.
    public static func bilinearTaps(inSize: Int, outSize: Int) -> [(i0: Int, i1: Int, f: Float)] {
        let scale = Double(inSize) / Double(outSize)
        return (0..<outSize).map { o in
            let src = max((Double(o) + 0.5) * scale - 0.5, 0)
            let i0 = min(Int(src), inSize - 1)
            let i1 = min(i0 + 1, inSize - 1)
            return (i0, i1, Float(src - Double(i0)))
        }
    }

    /// A Gaussian blur with standard deviation `sigma` pixels, as scipy.ndimage.gaussian_filter
    /// does it (the PatchCore reference code): kernel radius = Int(4 sigma + 0.5), borders
    /// mirrored with the edge sample repeated (`reflect`). Separable: rows, then columns.
    ///
    /// With a `loop`, each pass runs in bands of rows through it (the caller's threads); every
    /// output is computed as without one, so the result has the same bits.
    public func gaussianBlurred(sigma: Float, loop: ConcurrentLoop? = nil) -> FloatPlane {
        guard sigma > 0, width > 0, height > 0 else { return self }
        let kernel = Self.gaussianKernel(sigma: sigma)
        let taps = kernel.count, radius = taps / 2
        let (width, height) = (self.width, self.height)
        let yIndex = (-radius..<(height + radius)).map { Self.reflect($0, height) }
        // Both passes are "out[x] = sum_k w[k] * source_k[x]" over whole rows (source_k: the row
        // shifted by k, or row y + k), each output summed in registers over all taps (see
        // weightedRowSum), instead of one gathered dot product per output pixel. Each row is first
        // copied with its mirrored borders so the shifted reads need no index table.
        let tmp = [Float](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            kernel.withUnsafeBufferPointer { w in
                values.withUnsafeBufferPointer { src in
                    let (source, target, weights) = (SharedMemory(src), SharedMemory(buffer), SharedMemory(w))
                    forEachBand(height, loop: loop) { rows in
                        var padded = [Float](repeating: 0, count: width + 2 * radius)
                        var sources = [UnsafePointer<Float>?](repeating: nil, count: taps)
                        padded.withUnsafeMutableBufferPointer { row in
                            for y in rows {
                                let line = source.pointer.baseAddress.unsafelyUnwrapped + y * width
                                for i in 0..<radius {
                                    row[i] = line[Self.reflect(i - radius, width)]
                                    row[radius + width + i] = line[Self.reflect(width + i, width)]
                                }
                                (row.baseAddress.unsafelyUnwrapped + radius).update(from: line, count: width)
                                for k in 0..<taps { sources[k] = UnsafePointer(row.baseAddress.unsafelyUnwrapped + k) }
                                Self.weightedRowSum(sources, weights.pointer, width, target.pointer.baseAddress.unsafelyUnwrapped + y * width)
                            }
                        }
                    }
                }
            }
            initialized = values.count
        }
        let out = [Float](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            kernel.withUnsafeBufferPointer { w in
                tmp.withUnsafeBufferPointer { src in
                    let (source, target, weights) = (SharedMemory(src), SharedMemory(buffer), SharedMemory(w))
                    forEachBand(height, loop: loop) { rows in
                        var sources = [UnsafePointer<Float>?](repeating: nil, count: taps)
                        for y in rows {
                            for k in 0..<taps { sources[k] = source.pointer.baseAddress.unsafelyUnwrapped + yIndex[y + k] * width }
                            Self.weightedRowSum(sources, weights.pointer, width, target.pointer.baseAddress.unsafelyUnwrapped + y * width)
                        }
                    }
                }
            }
            initialized = values.count
        }
        return FloatPlane(uncheckedWidth: width, height: height, values: out)
    }

    /// target[x] = ((0 + w[0] * s0[x]) + w[1] * s1[x]) + ... for x in 0..<count: the same
    /// products and sums, in the same order, as accumulating tap by tap into the target (the
    /// blur's results did not change), in the C kernel `eagle_weighted_row_sum` (AVX2 when the
    /// CPU has it: Swift's SIMD8 compiled to pairs of SSE instructions on x86-64).
    static func weightedRowSum(_ sources: [UnsafePointer<Float>?], _ w: UnsafeBufferPointer<Float>, _ count: Int,
                                       _ target: UnsafeMutablePointer<Float>) {
        sources.withUnsafeBufferPointer { s in
            eagle_weighted_row_sum(s.baseAddress, w.baseAddress, Int32(w.count), Int32(count), target)
        }
    }

    /// The plain twin of ``gaussianBlurred(sigma:)``: a direct 2-D convolution with the outer
    /// product of the kernel, in Double. For tests.
    public func gaussianBlurredReference(sigma: Float) -> FloatPlane {
        guard sigma > 0, width > 0, height > 0 else { return self }
        let kernel = Self.gaussianKernel(sigma: sigma).map(Double.init)
        let radius = kernel.count / 2
        var out = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0
                for dy in -radius...radius {
                    for dx in -radius...radius {
                        let v = Double(self[Self.reflect(x + dx, width), Self.reflect(y + dy, height)])
                        sum += kernel[dy + radius] * kernel[dx + radius] * v
                    }
                }
                out[y * width + x] = Float(sum)
            }
        }
        return FloatPlane(uncheckedWidth: width, height: height, values: out)
    }

    /// Normalised 1-D Gaussian weights, radius Int(4 sigma + 0.5).
    static func gaussianKernel(sigma: Float) -> [Float] {
        let radius = Int(4 * Double(sigma) + 0.5)
        let weights = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / Double(sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { Float($0 / total) }
    }

    /// scipy's `reflect`: ... c b a | a b c ... | c b a ..., repeated for offsets wider than the plane.
    static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * n
        var m = i % period
        if m < 0 { m += period }
        return m < n ? m : period - 1 - m
    }

    @usableFromInline
    init(uncheckedWidth width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }
}
