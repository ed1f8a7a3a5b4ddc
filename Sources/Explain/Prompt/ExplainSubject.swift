import Imaging
import Inspection

/// One flagged part to explain: its record (verdict, suspect boxes in camera pixels) and the
/// frame it was decided on.
///
/// Holding the frame costs nothing on the line: the image's pixels are shared, not copied,
/// until someone writes to them (the explainer never does).
public struct ExplainSubject: Sendable {
    public var part: Part
    /// The frame as captured.
    public var frame: RGBImage
    /// The region of the frame the expert inspected (the recipe's ROI), in camera pixels: the
    /// crop the model is shown.
    public var region: Rect

    public init(part: Part, frame: RGBImage, region: Rect? = nil) {
        self.part = part
        self.frame = frame
        self.region = (region ?? frame.bounds).intersection(frame.bounds)
    }
}
