import CPNG

/// PNG decoding and encoding through libpng's simplified API, which reports errors in the
/// `png_image` struct rather than by longjmp, so no C shim is needed.
public enum PNG {
    /// Bound on declared pixels, as for JPEG.
    public static let defaultMaxPixels = 64 * 1024 * 1024

    /// Decodes to RGB; gray, palette, 16-bit and alpha inputs are converted by libpng (alpha is
    /// composited onto black).
    public static func decodeRGB(_ data: [UInt8], maxPixels: Int = defaultMaxPixels) throws -> RGBImage {
        let (w, h, px) = try decode(data, format: UInt32(PNG_FORMAT_RGB), channels: 3, maxPixels: maxPixels)
        return RGBImage(uncheckedWidth: w, height: h, pixels: px)
    }

    /// Decodes to one gray channel (colour inputs are converted to luminance by libpng).
    public static func decodeGray(_ data: [UInt8], maxPixels: Int = defaultMaxPixels) throws -> GrayImage {
        let (w, h, px) = try decode(data, format: UInt32(PNG_FORMAT_GRAY), channels: 1, maxPixels: maxPixels)
        return GrayImage(uncheckedWidth: w, height: h, pixels: px)
    }

    /// Encodes an 8-bit image losslessly.
    public static func encode<L>(_ image: Image<L>) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImagingError.encodeFailed(format: "PNG", reason: "the image is empty")
        }
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = L.channels == 3 ? UInt32(PNG_FORMAT_RGB) : UInt32(PNG_FORMAT_GRAY)
        let stride = Int32(image.rowBytes)
        return try image.pixels.withUnsafeBufferPointer { px in
            // First call sizes the output, second call writes it.
            var size = 0
            guard png_image_write_to_memory(&png, nil, &size, 0, px.baseAddress, stride, nil) != 0 else {
                throw ImagingError.encodeFailed(format: "PNG", reason: message(of: &png))
            }
            var out = [UInt8](repeating: 0, count: size)
            let ok = out.withUnsafeMutableBytes { dst in
                png_image_write_to_memory(&png, dst.baseAddress, &size, 0, px.baseAddress, stride, nil)
            }
            guard ok != 0 else {
                throw ImagingError.encodeFailed(format: "PNG", reason: message(of: &png))
            }
            return Array(out.prefix(size))
        }
    }

    private static func decode(_ data: [UInt8], format: UInt32, channels: Int, maxPixels: Int) throws -> (Int, Int, [UInt8]) {
        guard !data.isEmpty else {
            throw ImagingError.decodeFailed(format: "PNG", reason: "empty input")
        }
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        return try data.withUnsafeBytes { input in
            guard png_image_begin_read_from_memory(&png, input.baseAddress, input.count) != 0 else {
                throw ImagingError.decodeFailed(format: "PNG", reason: message(of: &png))
            }
            let width = Int(png.width), height = Int(png.height)
            guard width * height <= maxPixels else {
                png_image_free(&png)
                throw ImagingError.tooLarge(format: "PNG", reason: "declared size \(width)x\(height) exceeds the limit of \(maxPixels) pixels")
            }
            png.format = format
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            let ok = pixels.withUnsafeMutableBytes { dst in
                png_image_finish_read(&png, nil, dst.baseAddress, Int32(width * channels), nil)
            }
            guard ok != 0 else {
                throw ImagingError.decodeFailed(format: "PNG", reason: message(of: &png))
            }
            return (width, height, pixels)
        }
    }

    /// libpng's message: a fixed char array in the struct.
    private static func message(of png: inout png_image) -> String {
        withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
