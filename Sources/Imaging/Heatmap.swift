/// Turns a scalar map (an anomaly map) into colours and blends it over an image, so an operator
/// sees where the expert looked.
public enum Heatmap {
    /// The jet colormap at `t` in 0...1 (blue, cyan, yellow, red), piecewise linear as
    /// matplotlib's jet: each channel is a clamped tent 1.5 - |4t - k| for k = 3, 2, 1.
    public static func jet(_ t: Float) -> RGBColor {
        let v = t.isNaN ? 0 : min(max(t, 0), 1)
        func channel(_ k: Float) -> UInt8 {
            clampToByte(min(max(1.5 - abs(4 * v - k), 0), 1) * 255)
        }
        return RGBColor(r: channel(3), g: channel(2), b: channel(1))
    }

    /// Blends the jet colours of `map` (row-major, `image.width` x `image.height` values) over
    /// `image`.
    /// - Parameters:
    ///   - range: map values mapped to the ends of the colormap; values outside are clamped. Use
    ///     a fixed range (e.g. 0...1 of the normalised score) so colours mean the same on every
    ///     frame.
    ///   - opacity: weight of the heatmap, 0 (image only) to 1 (heatmap only).
    public static func overlay(_ map: [Float], on image: RGBImage, range: ClosedRange<Float>, opacity: Float = 0.5) throws -> RGBImage {
        guard map.count == image.width * image.height else {
            throw ImagingError.invalidGeometry("heatmap has \(map.count) values for a \(image.width)x\(image.height) image")
        }
        let alpha = min(max(opacity, 0), 1)
        var out = image
        for i in 0..<map.count {
            blend(jet(position(map[i], in: range)), into: &out.pixels, at: 3 * i, alpha: alpha)
        }
        return out
    }

    /// Blends the jet colours of `map`, stretched (bilinear) over `area` of `image`, and leaves
    /// the rest of the image as it was: the anomaly map of a crop drawn where the crop came from
    /// on the whole frame. The part of `area` outside the image is clipped.
    public static func overlay(_ map: FloatPlane, on image: RGBImage, in area: Rect, range: ClosedRange<Float>,
                               opacity: Float = 0.5) throws -> RGBImage {
        let visible = area.intersection(image.bounds)
        guard !visible.isEmpty else { return image }
        let stretched = try map.resizedBilinear(width: area.width, height: area.height)
        let alpha = min(max(opacity, 0), 1)
        var out = image
        for y in visible.y..<visible.maxY {
            for x in visible.x..<visible.maxX {
                let t = position(stretched[x - area.x, y - area.y], in: range)
                blend(jet(t), into: &out.pixels, at: 3 * (y * image.width + x), alpha: alpha)
            }
        }
        return out
    }

    /// Where `value` falls in `range`, 0...1 (unclamped; ``jet(_:)`` clamps).
    private static func position(_ value: Float, in range: ClosedRange<Float>) -> Float {
        let span = range.upperBound - range.lowerBound
        return span > 0 ? (value - range.lowerBound) / span : 0
    }

    /// Mixes `color` into the pixel at byte offset `p` with weight `alpha`.
    private static func blend(_ color: RGBColor, into pixels: inout [UInt8], at p: Int, alpha: Float) {
        pixels[p] = clampToByte((1 - alpha) * Float(pixels[p]) + alpha * Float(color.r))
        pixels[p + 1] = clampToByte((1 - alpha) * Float(pixels[p + 1]) + alpha * Float(color.g))
        pixels[p + 2] = clampToByte((1 - alpha) * Float(pixels[p + 2]) + alpha * Float(color.b))
    }
}
