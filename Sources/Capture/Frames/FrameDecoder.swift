import Imaging

/// Turns ``Frame``s into the RGB images the expert consumes.
///
/// Holds one libjpeg decompressor for the thread that owns it (not thread-safe). MJPEG is
/// decoded strictly: libjpeg's "corrupt data" and "premature end" warnings fail the frame,
/// because a half-grey frame inspected as if whole is worse than a frame skipped and counted.
public final class FrameDecoder {
    private let jpeg: JPEGDecoder

    /// - Throws: when libjpeg cannot allocate its state.
    public init() throws {
        jpeg = try JPEGDecoder()
    }

    /// The frame as RGB; throws ``CaptureError/corruptFrame(_:)`` for anything that is not a
    /// complete, consistent image.
    public func decode(_ frame: Frame) throws -> RGBImage {
        do {
            switch frame.format {
            case .mjpeg, .jpeg:
                let image = try jpeg.decodeRGB(frame.data, strict: true)
                guard image.width == frame.width, image.height == frame.height else {
                    throw CaptureError.corruptFrame(
                        "MJPEG frame is \(image.width)x\(image.height), the stream is \(frame.width)x\(frame.height)")
                }
                return image
            case .yuyv:
                try checkRawLength(frame)
                return try frame.data.withUnsafeBytes {
                    try PixelConversion.yuyvToRGB($0, width: frame.width, height: frame.height,
                                                  rowBytes: frame.bytesPerLine, range: frame.range)
                }
            case .grey:
                try checkRawLength(frame)
                return try frame.data.withUnsafeBytes {
                    try PixelConversion.grey($0, width: frame.width, height: frame.height, rowBytes: frame.bytesPerLine)
                }.toRGB()
            case .rgb24:
                try checkRawLength(frame)
                return try packedRGB(frame)
            default:
                throw CaptureError.corruptFrame("pixel format \(frame.format) cannot be decoded")
            }
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError.corruptFrame("\(error)")
        }
    }

    private func checkRawLength(_ frame: Frame) throws {
        guard let needed = frame.minimumRawBytes, frame.width > 0,
              frame.bytesPerLine >= frame.width * (frame.format.bytesPerPixel ?? 1) else {
            throw CaptureError.corruptFrame("\(frame.format) geometry \(frame.width)x\(frame.height), \(frame.bytesPerLine) bytes per line")
        }
        guard frame.data.count >= needed else {
            throw CaptureError.corruptFrame("short payload: \(frame.data.count) bytes, a \(frame.width)x\(frame.height) \(frame.format) frame needs \(needed)")
        }
    }

    /// RGB24 rows without their padding.
    private func packedRGB(_ frame: Frame) throws -> RGBImage {
        let rowBytes = frame.width * 3
        if frame.bytesPerLine == rowBytes, frame.data.count == rowBytes * frame.height {
            return try RGBImage(width: frame.width, height: frame.height, pixels: frame.data)
        }
        var pixels = [UInt8](repeating: 0, count: rowBytes * frame.height)
        for row in 0..<frame.height {
            let source = row * frame.bytesPerLine
            pixels.replaceSubrange(row * rowBytes..<(row + 1) * rowBytes, with: frame.data[source..<(source + rowBytes)])
        }
        return try RGBImage(width: frame.width, height: frame.height, pixels: pixels)
    }
}
