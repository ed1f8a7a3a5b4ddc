import CEagleShims

/// JPEG decoding and encoding through libjpeg-turbo.
///
/// libjpeg's errors are trapped in the C shim (setjmp/longjmp) and come back as
/// ``ImagingError``; nothing here can end the process, whatever the bytes.
public enum JPEG {
    /// Decode-time downscaling done by the IDCT itself: far cheaper than decoding at full size
    /// and resizing afterwards, which matters for large MJPEG camera frames.
    public enum Scale: Int, Sendable, CaseIterable {
        case full = 1, half = 2, quarter = 4, eighth = 8
    }

    /// Upper bound on declared pixels, so a forged header cannot make us allocate gigabytes.
    /// 64 Mpx covers every industrial camera we target.
    public static let defaultMaxPixels = 64 * 1024 * 1024

    /// Decodes an RGB image. See ``JPEGDecoder/decodeRGB(_:scale:strict:)``.
    public static func decodeRGB(_ data: [UInt8], scale: Scale = .full, strict: Bool = true) throws -> RGBImage {
        try JPEGDecoder().decodeRGB(data, scale: scale, strict: strict)
    }

    /// Decodes a gray image (colour JPEGs are converted by libjpeg).
    public static func decodeGray(_ data: [UInt8], scale: Scale = .full, strict: Bool = true) throws -> GrayImage {
        try JPEGDecoder().decodeGray(data, scale: scale, strict: strict)
    }

    /// Encodes with baseline JPEG at `quality` (1...100; 90 keeps small defects visible).
    public static func encode<L>(_ image: Image<L>, quality: Int = 90) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImagingError.encodeFailed(format: "JPEG", reason: "quality \(quality) is outside 1...100")
        }
        guard image.width > 0, image.height > 0 else {
            throw ImagingError.encodeFailed(format: "JPEG", reason: "the image is empty")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: Int(EAGLE_JPEG_MESSAGE_CAPACITY))
        let status = image.pixels.withUnsafeBufferPointer { px in
            message.withUnsafeMutableBufferPointer { msg in
                eagle_jpeg_encode(px.baseAddress, UInt32(image.width), UInt32(image.height), UInt32(L.channels),
                                  image.rowBytes, Int32(quality), &output, &length, msg.baseAddress)
            }
        }
        guard status == Int32(EAGLE_JPEG_OK), let buffer = output else {
            throw ImagingError.encodeFailed(format: "JPEG", reason: String(cBuffer: message))
        }
        defer { eagle_jpeg_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }
}

/// A reusable libjpeg decompressor: keep one per capture thread to avoid re-allocating
/// libjpeg's state for every frame. Not thread-safe; owns its C state and frees it on deinit.
public final class JPEGDecoder {
    private let handle: OpaquePointer
    /// Declared-size bound; larger images fail with ``ImagingError/tooLarge(format:reason:)``.
    public var maxPixels: Int

    /// - Throws: when libjpeg cannot allocate its state.
    public init(maxPixels: Int = JPEG.defaultMaxPixels) throws {
        guard let handle = eagle_jpeg_decoder_create() else {
            throw ImagingError.decodeFailed(format: "JPEG", reason: "out of memory creating the decoder")
        }
        self.handle = handle
        self.maxPixels = maxPixels
    }

    deinit { eagle_jpeg_decoder_destroy(handle) }

    /// Decodes to RGB.
    /// - Parameters:
    ///   - scale: decode-time downscaling (1/2, 1/4, 1/8 of each side, rounded up).
    ///   - strict: treat libjpeg's warnings (corrupt entropy data, premature end of data) as
    ///     errors. On a production line a damaged frame must be skipped and counted, not
    ///     inspected half grey.
    public func decodeRGB(_ data: [UInt8], scale: JPEG.Scale = .full, strict: Bool = true) throws -> RGBImage {
        let (w, h, px) = try decode(data, scale: scale, gray: false, strict: strict)
        return RGBImage(uncheckedWidth: w, height: h, pixels: px)
    }

    /// Decodes to one gray channel.
    public func decodeGray(_ data: [UInt8], scale: JPEG.Scale = .full, strict: Bool = true) throws -> GrayImage {
        let (w, h, px) = try decode(data, scale: scale, gray: true, strict: strict)
        return GrayImage(uncheckedWidth: w, height: h, pixels: px)
    }

    private func decode(_ data: [UInt8], scale: JPEG.Scale, gray: Bool, strict: Bool) throws -> (Int, Int, [UInt8]) {
        var message = [CChar](repeating: 0, count: Int(EAGLE_JPEG_MESSAGE_CAPACITY))
        return try data.withUnsafeBufferPointer { input in
            var width: UInt32 = 0, height: UInt32 = 0, channels: UInt32 = 0
            let started = message.withUnsafeMutableBufferPointer { msg in
                eagle_jpeg_decoder_start(handle, input.baseAddress, input.count, Int32(scale.rawValue), gray ? 1 : 0,
                                         UInt64(maxPixels), &width, &height, &channels, msg.baseAddress)
            }
            try Self.check(started, message)
            let rowBytes = Int(width) * Int(channels)
            var pixels = [UInt8](repeating: 0, count: rowBytes * Int(height))
            let read = pixels.withUnsafeMutableBufferPointer { px in
                message.withUnsafeMutableBufferPointer { msg in
                    eagle_jpeg_decoder_read(handle, px.baseAddress, rowBytes, strict ? 1 : 0, msg.baseAddress)
                }
            }
            try Self.check(read, message)
            return (Int(width), Int(height), pixels)
        }
    }

    private static func check(_ status: Int32, _ message: [CChar]) throws {
        let text = String(cBuffer: message)
        switch status {
        case Int32(EAGLE_JPEG_OK): return
        case Int32(EAGLE_JPEG_TOO_LARGE): throw ImagingError.tooLarge(format: "JPEG", reason: text)
        case Int32(EAGLE_JPEG_CORRUPT): throw ImagingError.decodeFailed(format: "JPEG", reason: "corrupt data: \(text)")
        default: throw ImagingError.decodeFailed(format: "JPEG", reason: text.isEmpty ? "unknown libjpeg error" : text)
        }
    }
}
