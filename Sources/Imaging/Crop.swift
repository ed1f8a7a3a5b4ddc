extension Image {
    /// The pixels inside `rect`, which must lie within the image.
    public func cropped(to rect: Rect) throws -> Image {
        guard !rect.isEmpty, bounds.contains(rect) else {
            throw ImagingError.invalidGeometry("crop \(rect) is not inside the \(width)x\(height) image")
        }
        let channels = Layout.channels
        let outRow = rect.width * channels
        var out = [UInt8](repeating: 0, count: outRow * rect.height)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for row in 0..<rect.height {
                    let from = ((rect.y + row) * width + rect.x) * channels
                    let to = row * outRow
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    (d + to).update(from: s + from, count: outRow)
                }
            }
        }
        return Image(uncheckedWidth: rect.width, height: rect.height, pixels: out)
    }

    /// The rectangle of a centred `cropWidth` x `cropHeight` crop (``Rect/centered(width:height:inWidth:height:)``).
    public func centerCropRect(width cropWidth: Int, height cropHeight: Int) -> Rect {
        Rect.centered(width: cropWidth, height: cropHeight, inWidth: width, height: height)
    }

    /// A centred crop; throws when the crop is larger than the image.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) throws -> Image {
        try cropped(to: centerCropRect(width: cropWidth, height: cropHeight))
    }
}
