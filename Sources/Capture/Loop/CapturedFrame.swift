import Imaging

/// A frame ready for inspection: decoded to RGB, with the source's frame (timestamp,
/// sequence, original payload such as the MJPEG bytes for the journal, synthetic truth).
public struct CapturedFrame: Sendable {
    public var frame: Frame
    public var image: RGBImage
    /// How long decoding the payload to ``image`` took, in nanoseconds (on the capture thread).
    public var decodeNanoseconds: UInt64

    public init(frame: Frame, image: RGBImage, decodeNanoseconds: UInt64 = 0) {
        self.frame = frame
        self.image = image
        self.decodeNanoseconds = decodeNanoseconds
    }
}
