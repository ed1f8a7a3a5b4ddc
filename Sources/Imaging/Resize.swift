extension Image {
    /// The image resampled to `newWidth` x `newHeight` with `filter`.
    ///
    /// Separable: a horizontal pass into a Float buffer, then a vertical pass. Results are
    /// rounded half up (add 0.5, truncate) after clamping to 0...255; ``resizedReference(width:height:filter:)``
    /// is the plain twin the tests compare against.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        guard newWidth > 0, newHeight > 0, width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize \(width)x\(height) to \(newWidth)x\(newHeight)")
        }
        if newWidth == width && newHeight == height { return self }
        let channels = Layout.channels
        let horizontal = ResampleCoefficients(inputSize: width, outputSize: newWidth, filter: filter)
        let vertical = ResampleCoefficients(inputSize: height, outputSize: newHeight, filter: filter)
        let midRow = newWidth * channels
        var mid = [Float](repeating: 0, count: midRow * height)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        let inRow = rowBytes

        pixels.withUnsafeBufferPointer { src in
            mid.withUnsafeMutableBufferPointer { tmp in
                horizontal.weights.withUnsafeBufferPointer { w in
                    for y in 0..<height {
                        let srcRow = y * inRow, tmpRow = y * midRow
                        for x in 0..<newWidth {
                            let start = horizontal.starts[x], count = horizontal.counts[x]
                            let wBase = x * horizontal.stride
                            for c in 0..<channels {
                                var sum: Float = 0
                                var p = srcRow + start * channels + c
                                for k in 0..<count {
                                    sum += w[wBase + k] * Float(src[p])
                                    p += channels
                                }
                                tmp[tmpRow + x * channels + c] = sum
                            }
                        }
                    }
                }
            }
        }
        mid.withUnsafeBufferPointer { tmp in
            out.withUnsafeMutableBufferPointer { dst in
                vertical.weights.withUnsafeBufferPointer { w in
                    for y in 0..<newHeight {
                        let start = vertical.starts[y], count = vertical.counts[y]
                        let wBase = y * vertical.stride
                        let dstRow = y * midRow
                        for i in 0..<midRow {
                            var sum: Float = 0
                            var p = start * midRow + i
                            for k in 0..<count {
                                sum += w[wBase + k] * tmp[p]
                                p += midRow
                            }
                            dst[dstRow + i] = clampToByte(sum)
                        }
                    }
                }
            }
        }
        return Image(uncheckedWidth: newWidth, height: newHeight, pixels: out)
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
        guard width > 0, height > 0 else {
            throw ImagingError.invalidGeometry("cannot resize an empty image")
        }
        if width <= height {
            return try resized(width: size, height: size * height / width, filter: filter)
        }
        return try resized(width: size * width / height, height: size, filter: filter)
    }

    /// The PatchCore evaluation protocol's input: shorter side to `resize`, then a centred
    /// `crop` x `crop` square (256 and 224 in the paper).
    public func resizedAndCenterCropped(resize: Int, crop: Int, filter: ResizeFilter = .bilinear) throws -> Image {
        try resizedShorterSide(to: resize, filter: filter).centerCropped(width: crop, height: crop)
    }
}

/// Round half up after clamping to the byte range.
@inline(__always)
func clampToByte(_ value: Float) -> UInt8 {
    if !(value > 0) { return 0 } // also maps NaN to 0
    if value >= 254.5 { return 255 }
    return UInt8(value + 0.5)
}
