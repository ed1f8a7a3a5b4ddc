import CEagleShims

/// The libgpiod this build linked: v1 (1.6, Debian 12) or v2 (2.x, Debian 13).
public enum GPIOLibrary {
    /// 1 or 2.
    public static var apiMajor: Int { Int(eagle_gpiod_api_major()) }
    /// The library's version string ("1.6.3", "2.2.1").
    public static var version: String { String(cString: eagle_gpiod_version()) }
    /// Whether the kernel can be asked to debounce inputs (the v2 API only; v1 ignores it).
    public static var hasDebounce: Bool { eagle_gpiod_has_debounce() != 0 }
    /// The consumer name every line EagleEdge requests carries (`gpioinfo` shows it).
    public static let consumer = "eagle-edge"
}
