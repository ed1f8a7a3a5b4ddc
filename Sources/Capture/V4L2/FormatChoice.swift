/// Picks the pixel format to ask of a camera from the preference and what it offers.
public enum FormatChoice {
    /// The format to negotiate, or nil when the camera offers none that fits.
    ///
    /// `auto` prefers MJPEG on USB cameras (USB 2 cannot carry raw VGA at 30 fps, and the
    /// camera's own JPEG encoder is free), YUYV elsewhere (no compression loss, no decode
    /// cost), then GREY, then MJPEG on non-USB devices, and as a last resort RGB24, which
    /// libv4l2 can make in software from formats we cannot decode. Explicit preferences take
    /// only the camera's own format, never a libv4l2 emulation.
    public static func choose(_ preference: CaptureSettings.FormatPreference, offered: [V4L2FormatDescription],
                              isUSB: Bool) -> PixelFormat? {
        let native = Set(offered.filter { !$0.isEmulated }.map(\.pixelFormat))
        let candidates: [PixelFormat]
        switch preference {
        case .mjpeg: candidates = [.mjpeg, .jpeg]
        case .yuyv: candidates = [.yuyv]
        case .grey: candidates = [.grey]
        case .auto:
            candidates = isUSB ? [.mjpeg, .jpeg, .yuyv, .grey] : [.yuyv, .grey, .mjpeg, .jpeg]
        }
        if let format = candidates.first(where: native.contains) { return format }
        if preference == .auto, offered.contains(where: { $0.pixelFormat == .rgb24 }) { return .rgb24 }
        return nil
    }
}
