import CEagleShims

/// A V4L2 pixel format, identified by its four-character code (`V4L2_PIX_FMT_*`).
public struct PixelFormat: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The little-endian fourcc as V4L2 stores it in `pixelformat`.
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Motion-JPEG: each frame a JPEG image. What USB cameras send to save bandwidth.
    public static let mjpeg = PixelFormat(rawValue: EAGLE_V4L2_PIX_FMT_MJPEG)
    /// JPEG: the same payload under the code some drivers use.
    public static let jpeg = PixelFormat(rawValue: EAGLE_V4L2_PIX_FMT_JPEG)
    /// Packed YUV 4:2:2, Y0 Cb Y1 Cr.
    public static let yuyv = PixelFormat(rawValue: EAGLE_V4L2_PIX_FMT_YUYV)
    /// 8-bit luminance.
    public static let grey = PixelFormat(rawValue: EAGLE_V4L2_PIX_FMT_GREY)
    /// Packed 8-bit R, G, B: what the folder and synthetic sources deliver, and what libv4l2
    /// converts odd camera formats into.
    public static let rgb24 = PixelFormat(rawValue: EAGLE_V4L2_PIX_FMT_RGB24)

    /// True for formats whose frames are compressed images (no fixed bytes per line).
    public var isCompressed: Bool { self == .mjpeg || self == .jpeg }

    /// Bytes per pixel of the packed raw formats we decode; nil for compressed or unknown ones.
    public var bytesPerPixel: Int? {
        switch self {
        case .yuyv: return 2
        case .grey: return 1
        case .rgb24: return 3
        default: return nil
        }
    }

    /// The four characters, e.g. `MJPG`, `YUYV`; unprintable bytes appear as `?`.
    public var fourcc: String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (8 * $0)) }
        return String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }

    public var description: String { fourcc.trimmingTrailingSpaces() }
}

extension String {
    /// Without trailing blanks ("Y8  " style codes and NUL-padded C strings).
    func trimmingTrailingSpaces() -> String {
        var text = self
        while let last = text.last, last == " " { text.removeLast() }
        return text
    }
}
