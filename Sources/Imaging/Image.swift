/// An 8-bit image with interleaved channels, rows stored top to bottom without padding.
///
/// Value semantics: copies share storage until one is written (the `[UInt8]` buffer).
public struct Image<Layout: PixelLayout>: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height` rows of `width * Layout.channels` bytes.
    public var pixels: [UInt8]

    /// Bytes in one row.
    @inlinable public var rowBytes: Int { width * Layout.channels }

    /// An image filled with one value in every channel.
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "image dimensions must not be negative")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: fill, count: width * height * Layout.channels)
    }

    /// Wraps existing pixels; throws when the byte count does not match the size.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width >= 0, height >= 0, pixels.count == width * height * Layout.channels else {
            throw ImagingError.invalidGeometry(
                "\(Layout.name) \(width)x\(height) needs \(max(0, width * height * Layout.channels)) bytes, got \(pixels.count)"
            )
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Internal: callers inside the module guarantee the count.
    @usableFromInline
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The channels of the pixel at column `x`, row `y`.
    @inlinable
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * Layout.channels
        return pixels[start..<(start + Layout.channels)]
    }

    /// The whole image as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }
}

/// A colour image, three channels.
public typealias RGBImage = Image<RGB8>
/// A one-channel image.
public typealias GrayImage = Image<Gray8>

extension Image where Layout == RGB8 {
    /// The (r, g, b) values at column `x`, row `y`.
    public func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
