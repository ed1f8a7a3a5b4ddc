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
        let span = range.upperBound - range.lowerBound
        let alpha = min(max(opacity, 0), 1)
        var out = image
        for i in 0..<map.count {
            let t = span > 0 ? (map[i] - range.lowerBound) / span : 0
            let c = jet(t)
            let p = 3 * i
            out.pixels[p] = clampToByte((1 - alpha) * Float(image.pixels[p]) + alpha * Float(c.r))
            out.pixels[p + 1] = clampToByte((1 - alpha) * Float(image.pixels[p + 1]) + alpha * Float(c.g))
            out.pixels[p + 2] = clampToByte((1 - alpha) * Float(image.pixels[p + 2]) + alpha * Float(c.b))
        }
        return out
    }
}
