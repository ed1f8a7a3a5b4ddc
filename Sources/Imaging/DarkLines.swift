extension FloatPlane {
    /// The brightness of an RGB image: ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B, in 0...255.
    public init(luma image: RGBImage) {
        let n = image.width * image.height
        let values = [Float](unsafeUninitializedCapacity: n) { out, initialized in
            image.pixels.withUnsafeBufferPointer { px in
                for i in 0..<n {
                    out[i] = 0.299 * Float(px[3 * i]) + 0.587 * Float(px[3 * i + 1]) + 0.114 * Float(px[3 * i + 2])
                }
            }
            initialized = n
        }
        self.init(uncheckedWidth: image.width, height: image.height, values: values)
    }

    /// How much darker each pixel is than both its neighbours `offset` rows above and below: a
    /// thin dark line running along the rows (a crack across a part) scores its depth, while a
    /// step from bright to dark scores nothing, since one side of a step is as dark as the step.
    ///
    /// The plane is first smoothed across the rows with a Gaussian of `sigma` rows (borders
    /// mirrored, so one or two pixel lines survive while single-pixel noise does not), then
    /// averaged along the rows over `length` columns (a centred box, edge columns repeated): a
    /// line that runs on keeps its depth, the grains of a rough texture, each a few pixels
    /// long, average away. The result is `min(s[y - offset], s[y + offset]) - s[y]` of that
    /// smoothed plane `s`, the rows beyond the edges taken as the edge row.
    ///
    /// Rows are shared out in bands through `loop` when one is given, with the same result.
    public func darkLineContrast(sigma: Float, offset: Int, length: Int, loop: ConcurrentLoop? = nil) -> FloatPlane {
        guard width > 0, height > 0 else { return self }
        let (width, height, length) = (self.width, self.height, max(1, length))
        let kernel = sigma > 0 ? Self.gaussianKernel(sigma: sigma) : [1]
        let taps = kernel.count, radius = taps / 2
        let yIndex = (-radius..<(height + radius)).map { Self.reflect($0, height) }
        // Pass 1, row by row: the Gaussian across rows (the blur's weighted row sums, tap by tap
        // in the reference's order), then the box along the row on that one row.
        let smoothed = [Float](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            kernel.withUnsafeBufferPointer { w in
                values.withUnsafeBufferPointer { src in
                    let (source, target, weights) = (SharedMemory(src), SharedMemory(buffer), SharedMemory(w))
                    forEachBand(height, loop: loop) { rows in
                        var sources = [UnsafePointer<Float>?](repeating: nil, count: taps)
                        var across = [Float](repeating: 0, count: width)
                        across.withUnsafeMutableBufferPointer { row in
                            for y in rows {
                                for k in 0..<taps { sources[k] = source.pointer.baseAddress.unsafelyUnwrapped + yIndex[y + k] * width }
                                Self.weightedRowSum(sources, weights.pointer, width, row.baseAddress.unsafelyUnwrapped)
                                Self.boxAlongRow(UnsafePointer(row.baseAddress.unsafelyUnwrapped), width, length,
                                                 target.pointer.baseAddress.unsafelyUnwrapped + y * width)
                            }
                        }
                    }
                }
            }
            initialized = values.count
        }
        // Pass 2: each pixel's depth below the darker of its two flanks.
        let out = [Float](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            smoothed.withUnsafeBufferPointer { src in
                let (source, target) = (SharedMemory(src), SharedMemory(buffer))
                forEachBand(height, loop: loop) { rows in
                    let s = source.pointer.baseAddress.unsafelyUnwrapped, o = target.pointer.baseAddress.unsafelyUnwrapped
                    for y in rows {
                        let above = s + max(y - offset, 0) * width, below = s + min(y + offset, height - 1) * width
                        let row = s + y * width, result = o + y * width
                        for x in 0..<width { result[x] = Swift.min(above[x], below[x]) - row[x] }
                    }
                }
            }
            initialized = values.count
        }
        return FloatPlane(uncheckedWidth: width, height: height, values: out)
    }

    /// The plain twin of ``darkLineContrast(sigma:offset:length:loop:)``, for tests.
    public func darkLineContrastReference(sigma: Float, offset: Int, length: Int) -> FloatPlane {
        guard width > 0, height > 0 else { return self }
        let across = sigma > 0 ? gaussianAcrossRowsReference(sigma: sigma) : values
        let smoothed = Self.boxAlongRowsReference(across, width: width, height: height, length: max(1, length))
        var out = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            let above = max(y - offset, 0) * width, below = min(y + offset, height - 1) * width, row = y * width
            for x in 0..<width {
                out[row + x] = min(smoothed[above + x], smoothed[below + x]) - smoothed[row + x]
            }
        }
        return FloatPlane(uncheckedWidth: width, height: height, values: out)
    }

    /// The largest value of each of `cellsWide` x `cellsHigh` cells that tile the plane (cell
    /// edges at `i * width / cellsWide`, rounded down): a fine map brought to a coarse grid
    /// without losing a thin peak.
    public func maxPooled(width cellsWide: Int, height cellsHigh: Int) throws -> FloatPlane {
        guard cellsWide > 0, cellsHigh > 0, cellsWide <= width, cellsHigh <= height else {
            throw ImagingError.invalidGeometry("cannot pool a \(width)x\(height) plane into \(cellsWide)x\(cellsHigh) cells")
        }
        var out = [Float](repeating: -.infinity, count: cellsWide * cellsHigh)
        let columnEdges = (0...cellsWide).map { $0 * width / cellsWide }
        values.withUnsafeBufferPointer { plane in
            out.withUnsafeMutableBufferPointer { cells in
                for cy in 0..<cellsHigh {
                    for y in (cy * height / cellsHigh)..<((cy + 1) * height / cellsHigh) {
                        let row = plane.baseAddress.unsafelyUnwrapped + y * width
                        for cx in 0..<cellsWide {
                            var best = cells[cy * cellsWide + cx]
                            for x in columnEdges[cx]..<columnEdges[cx + 1] where row[x] > best { best = row[x] }
                            cells[cy * cellsWide + cx] = best
                        }
                    }
                }
            }
        }
        return FloatPlane(uncheckedWidth: cellsWide, height: cellsHigh, values: out)
    }

    private func gaussianAcrossRowsReference(sigma: Float) -> [Float] {
        let kernel = Self.gaussianKernel(sigma: sigma)
        let radius = kernel.count / 2
        var out = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            for (k, weight) in kernel.enumerated() {
                let source = Self.reflect(y + k - radius, height) * width
                for x in 0..<width { out[y * width + x] += weight * values[source + x] }
            }
        }
        return out
    }

    /// Running sums in Double, so that a long row of large values does not drift.
    private static func boxAlongRowsReference(_ values: [Float], width: Int, height: Int, length: Int) -> [Float] {
        let half = length / 2
        var out = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            let row = y * width
            func at(_ x: Int) -> Double { Double(values[row + min(max(x, 0), width - 1)]) }
            var sum = 0.0
            for x in -half...(length - 1 - half) { sum += at(x) }
            for x in 0..<width {
                out[row + x] = Float(sum / Double(length))
                sum += at(x + length - half) - at(x - half)
            }
        }
        return out
    }

    /// The centred box mean of one row, edge values repeated: the reference's running sum in
    /// Double, on pointers.
    private static func boxAlongRow(_ row: UnsafePointer<Float>, _ width: Int, _ length: Int, _ out: UnsafeMutablePointer<Float>) {
        let half = length / 2
        @inline(__always) func at(_ x: Int) -> Double { Double(row[Swift.min(Swift.max(x, 0), width - 1)]) }
        var sum = 0.0
        for x in -half...(length - 1 - half) { sum += at(x) }
        for x in 0..<width {
            out[x] = Float(sum / Double(length))
            sum += at(x + length - half) - at(x - half)
        }
    }
}
