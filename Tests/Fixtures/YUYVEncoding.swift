import Imaging

/// BT.601 limited-range RGB -> YUYV, the inverse of what `PixelConversion.yuyvToRGB` decodes:
/// how the tests make camera-like frames from real images. Chroma is the average of each pair.
/// Straight arithmetic per pixel pair, no allocation: the virtual board runs it emulated.
public func yuyv(from image: RGBImage) -> [UInt8] {
    precondition(image.width % 2 == 0)
    var out = [UInt8](repeating: 0, count: image.width * image.height * 2)
    func clamp(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
    func luma(_ r: Double, _ g: Double, _ b: Double) -> Double { 16 + 0.256788 * r + 0.504129 * g + 0.097906 * b }
    func blue(_ r: Double, _ g: Double, _ b: Double) -> Double { 128 - 0.148223 * r - 0.290993 * g + 0.439216 * b }
    func red(_ r: Double, _ g: Double, _ b: Double) -> Double { 128 + 0.439216 * r - 0.367788 * g - 0.071427 * b }
    image.pixels.withUnsafeBufferPointer { rgb in
        out.withUnsafeMutableBufferPointer { target in
            for pair in 0..<(image.width * image.height / 2) {
                let i = pair * 6
                let (r0, g0, b0) = (Double(rgb[i]), Double(rgb[i + 1]), Double(rgb[i + 2]))
                let (r1, g1, b1) = (Double(rgb[i + 3]), Double(rgb[i + 4]), Double(rgb[i + 5]))
                let o = pair * 4
                target[o] = clamp(luma(r0, g0, b0))
                target[o + 1] = clamp((blue(r0, g0, b0) + blue(r1, g1, b1)) / 2)
                target[o + 2] = clamp(luma(r1, g1, b1))
                target[o + 3] = clamp((red(r0, g0, b0) + red(r1, g1, b1)) / 2)
            }
        }
    }
    return out
}
