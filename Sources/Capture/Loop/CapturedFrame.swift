import Imaging

/// A frame ready for inspection: decoded to RGB, with the source's frame (timestamp,
/// sequence, original payload such as the MJPEG bytes for the journal, synthetic truth).
public struct CapturedFrame: Sendable {
    public var frame: Frame
    public var image: RGBImage

    public init(frame: Frame, image: RGBImage) {
        self.frame = frame
        self.image = image
    }
}
