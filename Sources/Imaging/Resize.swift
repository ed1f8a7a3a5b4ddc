extension Image {
    /// The image resampled to `newWidth` x `newHeight` with `filter`.
    ///
    /// Separable: a horizontal pass into a Float buffer, then a vertical pass. Results are
    /// rounded half up (add 0.5, truncate) after clamping to 0...255; ``resizedReference(width:height:filter:)``
    /// is the plain twin the tests compare against.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        try resized(width: newWidth, height: newHeight, filter: filter, keeping: Rect(x: 0, y: 0, width: newWidth, height: newHeight))
    }

    /// The part `window` (in output coordinates) of the image resampled to `newWidth` x
    /// `newHeight`: the pixels of resizing and then cropping to `window`, computing only those
    /// (a centre crop after a resize throws away a quarter of the work otherwise). With a `loop`,
    /// both passes run in bands of rows on its threads, with the same bits as without one.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear, keeping window: Rect,
                        loop: ConcurrentLoop? = nil) throws -> Image {
        guard newWidth > 0, newHeight > 0, width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize \(width)x\(height) to \(newWidth)x\(newHeight)")
        }
        guard !window.isEmpty, Rect(x: 0, y: 0, width: newWidth, height: newHeight).contains(window) else {
            throw ImagingError.invalidGeometry("window \(window) is not inside the \(newWidth)x\(newHeight) resized image")
        }
        if newWidth == width && newHeight == height { return try cropped(to: window) }
        let channels = Layout.channels
        let horizontal = ResampleCoefficients(inputSize: width, outputSize: newWidth, filter: filter)
        let vertical = ResampleCoefficients(inputSize: height, outputSize: newHeight, filter: filter)
        let outputRows = window.y..<(window.y + window.height), outputColumns = window.x..<(window.x + window.width)
        // The source rows the kept output rows read.
        let firstRow = outputRows.map { vertical.starts[$0] }.min() ?? 0
        let endRow = outputRows.map { vertical.starts[$0] + vertical.counts[$0] }.max() ?? 0
        let midRow = window.width * channels
        let inRow = rowBytes

        // Horizontal: each source row once as Floats, then per output pixel a weighted sum over
        // its taps, left to right (three channels side by side for RGB). With a `loop`, both
        // passes run in bands of rows on its threads, each output computed as without one.
        let mid = [Float](unsafeUninitializedCapacity: midRow * (endRow - firstRow)) { buffer, initialized in
            pixels.withUnsafeBufferPointer { src in
                horizontal.weights.withUnsafeBufferPointer { w in
                    let (source, target, weights) = (SharedMemory(src), SharedMemory(buffer), SharedMemory(w))
                    forEachBand(endRow - firstRow, loop: loop) { band in
                        let (src, tmp, w) = (source.pointer, target.pointer, weights.pointer)
                        var sourceRow = [Float](repeating: 0, count: inRow)
                        sourceRow.withUnsafeMutableBufferPointer { row in
                            for y in (firstRow + band.lowerBound)..<(firstRow + band.upperBound) {
                                for i in 0..<inRow { row[i] = Float(src[y * inRow + i]) }
                                let tmpRow = (y - firstRow) * midRow
                                for x in outputColumns {
                                    let start = horizontal.starts[x] * channels, count = horizontal.counts[x]
                                    let wBase = x * horizontal.stride, tmpColumn = tmpRow + (x - window.x) * channels
                                    if channels == 3 {
                                        var s0: Float = 0, s1: Float = 0, s2: Float = 0
                                        for k in 0..<count {
                                            let wk = w[wBase + k], p = start + 3 * k
                                            s0 += wk * row[p]
                                            s1 += wk * row[p + 1]
                                            s2 += wk * row[p + 2]
                                        }
                                        tmp[tmpColumn] = s0
                                        tmp[tmpColumn + 1] = s1
                                        tmp[tmpColumn + 2] = s2
                                        continue
                                    }
                                    for c in 0..<channels {
                                        var sum: Float = 0
                                        for k in 0..<count { sum += w[wBase + k] * row[start + k * channels + c] }
                                        tmp[tmpColumn + c] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = midRow * (endRow - firstRow)
        }
        // Vertical: whole rows accumulated tap by tap (each value still summed top to bottom).
        let out = [UInt8](unsafeUninitializedCapacity: midRow * window.height) { buffer, initialized in
            mid.withUnsafeBufferPointer { tmp in
                vertical.weights.withUnsafeBufferPointer { w in
                    let (source, target, weights) = (SharedMemory(tmp), SharedMemory(buffer), SharedMemory(w))
                    forEachBand(window.height, loop: loop) { band in
                        let (tmp, dst, w) = (source.pointer, target.pointer, weights.pointer)
                        var sums = [Float](repeating: 0, count: midRow)
                        sums.withUnsafeMutableBufferPointer { acc in
                            for y in (window.y + band.lowerBound)..<(window.y + band.upperBound) {
                                let start = vertical.starts[y] - firstRow, count = vertical.counts[y]
                                let wBase = y * vertical.stride
                                for i in 0..<midRow { acc[i] = 0 }
                                for k in 0..<count {
                                    let wk = w[wBase + k], from = (start + k) * midRow
                                    for i in 0..<midRow { acc[i] += wk * tmp[from + i] }
                                }
                                let dstRow = (y - window.y) * midRow
                                for i in 0..<midRow { dst[dstRow + i] = clampToByte(acc[i]) }
                            }
                        }
                    }
                }
            }
            initialized = midRow * window.height
        }
        return Image(uncheckedWidth: window.width, height: window.height, pixels: out)
    }

    /// The plain twin of ``resized(width:height:filter:)``: every output pixel computed directly
    /// as a 2-D weighted sum in Double over the whole input, weights taken from the kernel
    /// definition without windowing. Slow; for tests.
    public func resizedReference(width newWidth: Int, height newHeight: Int, filter: ResizeFilter) -> Image {
        let channels = Layout.channels
        func axisWeights(_ inSize: Int, _ outSize: Int) -> [[Double]] {
            let scale = Double(inSize) / Double(outSize)
            return (0..<outSize).map { i in
                var w = (0..<inSize).map { j -> Double in
                    if filter == .area {
                        let lo = Double(i) * scale, hi = Double(i + 1) * scale
                        return max(0, min(hi, Double(j + 1)) - max(lo, Double(j)))
                    }
                    let fs = max(scale, 1)
                    return filter.weight((Double(j) + 0.5 - (Double(i) + 0.5) * scale) / fs)
                }
                let total = w.reduce(0, +)
                if total == 0 {
                    let nearest = min(max(Int((Double(i) + 0.5) * scale), 0), inSize - 1)
                    w[nearest] = 1
                    return w
                }
                return w.map { $0 / total }
            }
        }
        let wx = axisWeights(width, newWidth), wy = axisWeights(height, newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        for y in 0..<newHeight {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var sum = 0.0
                    for j in 0..<height where wy[y][j] != 0 {
                        for i in 0..<width where wx[x][i] != 0 {
                            sum += wy[y][j] * wx[x][i] * Double(pixels[(j * width + i) * channels + c])
                        }
                    }
                    out[(y * newWidth + x) * channels + c] = UInt8(max(0, min(255, sum)).rounded())
                }
            }
        }
        return Image(uncheckedWidth: newWidth, height: newHeight, pixels: out)
    }

    /// Scales so the shorter side becomes `size`, keeping the aspect ratio; the longer side is
    /// truncated as torchvision's Resize does, so evaluation crops match the published protocol.
    public func resizedShorterSide(to size: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        let (newWidth, newHeight) = try shorterSideSize(size)
        return try resized(width: newWidth, height: newHeight, filter: filter)
    }

    /// ``resizedShorterSide(to:filter:)`` then a centred `cropWidth` x `cropHeight` crop (as
    /// ``centerCropped(width:height:)`` places it), computing only the cropped pixels.
    public func resizedShorterSide(to size: Int, centerCroppedTo cropWidth: Int, _ cropHeight: Int,
                                   filter: ResizeFilter = .bilinear, loop: ConcurrentLoop? = nil) throws -> Image {
        let (newWidth, newHeight) = try shorterSideSize(size)
        guard cropWidth <= newWidth, cropHeight <= newHeight else {
            throw ImagingError.invalidGeometry("crop \(cropWidth)x\(cropHeight) is larger than the \(newWidth)x\(newHeight) resized image")
        }
        return try resized(width: newWidth, height: newHeight, filter: filter,
                           keeping: Rect.centered(width: cropWidth, height: cropHeight, inWidth: newWidth, height: newHeight),
                           loop: loop)
    }

    private func shorterSideSize(_ size: Int) throws -> (width: Int, height: Int) {
        guard width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize an empty image")
        }
        return width <= height ? (size, size * height / width) : (size * width / height, size)
    }

    /// The PatchCore evaluation protocol's input: shorter side to `resize`, then a centred
    /// `crop` x `crop` square (256 and 224 in the paper).
    public func resizedAndCenterCropped(resize: Int, crop: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        try resizedShorterSide(to: resize, centerCroppedTo: crop, crop, filter: filter)
    }
}

/// Round half up after clamping to the byte range.
@inline(__always)
func clampToByte(_ value: Float) -> UInt8 {
    if !(value > 0) { return 0 } // also maps NaN to 0
    if value >= 254.5 { return 255 }
    return UInt8(value + 0.5)
}
