/// The YCbCr encoding of packed YUV camera frames.
public enum YCbCrRange: String, Sendable {
    /// BT.601 "video" range: Y in 16...235, Cb/Cr in 16...240. What UVC webcams and vivid send.
    case limited
    /// BT.601 full range (JFIF): Y, Cb, Cr in 0...255.
    case full
}

/// Conversions from camera pixel formats to the images the expert consumes.
public enum PixelConversion {
    // Fixed point: coefficients scaled by 2^14 and rounded to nearest; results get +2^13 before
    // the arithmetic shift (round half up), then are clamped to 0...255.
    private static let shift: Int32 = 14
    private static let half: Int32 = 1 << 13

    /// (luma gain, Cr->R, Cb->G, Cr->G, Cb->B) scaled by 2^14.
    private static func coefficients(_ range: YCbCrRange) -> (Int32, Int32, Int32, Int32, Int32) {
        switch range {
        case .limited: return (19077, 26149, 6419, 13320, 33050) // 1.164383, 1.596027, 0.391762, 0.812968, 2.017232
        case .full: return (16384, 22970, 5638, 11700, 29032)     // 1, 1.402, 0.344136, 0.714136, 1.772
        }
    }

    /// Packed YUYV 4:2:2 (Y0 Cb Y1 Cr per pixel pair) to RGB.
    /// - Parameters:
    ///   - rowBytes: bytes per source row (V4L2's `bytesperline`, may include padding).
    public static func yuyvToRGB(_ data: UnsafeRawBufferPointer, width: Int, height: Int,
                                 rowBytes: Int? = nil, range: YCbCrRange = .limited) throws -> RGBImage {
        let stride = rowBytes ?? width * 2
        guard width > 0, height > 0, width % 2 == 0, stride >= width * 2,
              data.count >= stride * (height - 1) + width * 2 else {
            throw ImagingError.invalidGeometry(
                "YUYV \(width)x\(height) (row \(stride) bytes) does not fit \(data.count) bytes; width must be even")
        }
        let (cy, crv, cgu, cgv, cbu) = coefficients(range)
        let yOffset: Int32 = range == .limited ? 16 : 0
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let src = data.bindMemory(to: UInt8.self)
        out.withUnsafeMutableBufferPointer { dst in
            for row in 0..<height {
                var s = row * stride
                var d = row * width * 3
                for _ in 0..<(width / 2) {
                    let u = Int32(src[s + 1]) - 128, v = Int32(src[s + 3]) - 128
                    let rAdd = crv * v + half
                    let gAdd = -cgu * u - cgv * v + half
                    let bAdd = cbu * u + half
                    for k in 0..<2 {
                        let luma = cy * (Int32(src[s + 2 * k]) - yOffset)
                        dst[d] = saturate((luma + rAdd) >> shift)
                        dst[d + 1] = saturate((luma + gAdd) >> shift)
                        dst[d + 2] = saturate((luma + bAdd) >> shift)
                        d += 3
                    }
                    s += 4
                }
            }
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: out)
    }

    /// 8-bit gray (V4L2 GREY) rows, possibly padded, into a tightly packed gray image.
    public static func grey(_ data: UnsafeRawBufferPointer, width: Int, height: Int, rowBytes: Int? = nil) throws -> GrayImage {
        let stride = rowBytes ?? width
        guard width > 0, height > 0, stride >= width, data.count >= stride * (height - 1) + width else {
            throw ImagingError.invalidGeometry("GREY \(width)x\(height) (row \(stride) bytes) does not fit \(data.count) bytes")
        }
        var out = [UInt8](repeating: 0, count: width * height)
        let src = data.bindMemory(to: UInt8.self)
        for row in 0..<height {
            for x in 0..<width { out[row * width + x] = src[row * stride + x] }
        }
        return GrayImage(uncheckedWidth: width, height: height, pixels: out)
    }

    @inline(__always)
    private static func saturate(_ v: Int32) -> UInt8 {
        UInt8(clamping: v)
    }
}

extension Image where Layout == Gray8 {
    /// The gray value copied into all three channels.
    public func toRGB() -> RGBImage {
        var out = [UInt8](repeating: 0, count: pixels.count * 3)
        for (i, v) in pixels.enumerated() {
            out[3 * i] = v
            out[3 * i + 1] = v
            out[3 * i + 2] = v
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: out)
    }
}

extension Image where Layout == RGB8 {
    /// BT.601 luma, Y = (77 R + 150 G + 29 B + 128) >> 8 (weights 0.299/0.587/0.114 scaled by 256).
    public func toGray() -> GrayImage {
        var out = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let r = Int(pixels[3 * i]), g = Int(pixels[3 * i + 1]), b = Int(pixels[3 * i + 2])
            out[i] = UInt8((77 * r + 150 * g + 29 * b + 128) >> 8)
        }
        return GrayImage(uncheckedWidth: width, height: height, pixels: out)
    }
}
