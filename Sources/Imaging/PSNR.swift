import Foundation

extension Image {
    /// Peak signal-to-noise ratio to `other` in dB over all channels; infinity when the images
    /// are identical. How faithful a lossy path (JPEG, a camera loopback, a resize) was.
    /// - Throws: ``ImagingError/invalidGeometry(_:)`` when the sizes differ.
    public func psnr(to other: Image) throws -> Double {
        guard width == other.width, height == other.height else {
            throw ImagingError.invalidGeometry("PSNR of \(width)x\(height) against \(other.width)x\(other.height)")
        }
        var sse = 0.0
        for i in 0..<pixels.count {
            let d = Double(pixels[i]) - Double(other.pixels[i])
            sse += d * d
        }
        let mse = sse / Double(max(1, pixels.count))
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
