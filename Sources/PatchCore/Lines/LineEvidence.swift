import Imaging

/// A second witness next to the patch distances, for thin dark lines (cracks) in a grainy part:
/// the ``FloatPlane/darkLineContrast(sigma:offset:length:loop:)`` of the frame at its own resolution,
/// before any scaling, pooled to the patch grid by maximum. The backbone sees the part scaled
/// down several times across, where a crack one or two pixels wide is as faint as the grains
/// around it; at the frame's own resolution its contrast along a row stands out.
///
/// Lines are looked for along the frame's rows; the recipe's region of interest (or the camera)
/// is set so that the cracks run across the image. Needs the stretch fit, so that every patch
/// of the grid covers a known rectangle of the frame.
public struct LineEvidence: Sendable, Equatable {
    /// Gaussian across the line, in frame pixels.
    public var sigma: Float
    /// Rows between the line and the flanks it is compared with, in frame pixels.
    public var offset: Int
    /// Columns averaged along the line, in frame pixels.
    public var length: Int

    public init(sigma: Float = 1, offset: Int = 3, length: Int = 31) {
        self.sigma = sigma
        self.offset = offset
        self.length = length
    }

    /// "1:3:31": sigma, offset, length, as the model file and `--line-evidence` write them.
    public var storedName: String { "\(sigma):\(offset):\(length)" }

    public init?(storedName: String) {
        let parts = storedName.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let sigma = Float(parts[0]), let offset = Int(parts[1]), let length = Int(parts[2]) else { return nil }
        self.init(sigma: sigma, offset: offset, length: length)
    }

    /// The message names what is out of range; nil when all is well.
    func problem() -> String? {
        guard sigma >= 0, sigma <= 16 else { return "line evidence sigma \(sigma) must be in [0, 16] frame pixels" }
        guard offset >= 1, offset <= 64 else { return "line evidence offset \(offset) must be in 1...64 frame pixels" }
        guard length >= 1, length <= 1024 else { return "line evidence length \(length) must be in 1...1024 frame pixels" }
        return nil
    }

    /// The contrast of `frame` (the region the expert inspects) at its own resolution; the
    /// expert pools it to its patch grid. Rows are shared out through `loop` when one is given.
    public func contrast(of frame: RGBImage, loop: ConcurrentLoop? = nil) -> FloatPlane {
        FloatPlane(luma: frame).darkLineContrast(sigma: sigma, offset: offset, length: length, loop: loop)
    }
}
