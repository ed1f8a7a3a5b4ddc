/// A region the expert points at, in the camera frame's pixels (the ROI offset and the resize
/// to the backbone's input undone), so that every consumer draws it on the frame it has.
public struct SuspectBox: Sendable, Equatable, Codable {
    /// Left edge, pixels from the frame's left.
    public var x: Int
    /// Top edge, pixels from the frame's top.
    public var y: Int
    public var width: Int
    public var height: Int
    /// The region's peak on the image score's normalised scale (0.5 is the threshold).
    public var score: Double

    public init(x: Int, y: Int, width: Int, height: Int, score: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.score = score
    }
}
