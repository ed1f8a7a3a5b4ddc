/// How many interleaved 8-bit channels a pixel has. Used as the phantom type of ``Image`` so an
/// RGB buffer cannot be passed where a gray one is expected.
public protocol PixelLayout: Sendable {
    /// Interleaved 8-bit channels per pixel.
    static var channels: Int { get }
    /// A short name for messages ("RGB8", "Gray8").
    static var name: String { get }
}

/// Three interleaved channels, red first.
public enum RGB8: PixelLayout {
    public static var channels: Int { 3 }
    public static var name: String { "RGB8" }
}

/// One channel of luminance.
public enum Gray8: PixelLayout {
    public static var channels: Int { 1 }
    public static var name: String { "Gray8" }
}
