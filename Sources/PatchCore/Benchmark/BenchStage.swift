/// A stage of a frame's way through the expert, as `eagle-edge bench` times it. The raw value
/// is the stage's name in the reports.
public enum BenchStage: String, CaseIterable, Sendable {
    /// JPEG to RGB, as an MJPEG camera's frames arrive.
    case decode
    /// The image scaled and cut to the backbone's input.
    case resizeCrop = "resize+crop"
    /// The backbone up to the model's deepest tap.
    case backbone
    /// The patch features aggregated from the taps.
    case features
    /// The nearest bank patch of every patch.
    case search
    /// The score, and the anomaly map upsampled and blurred.
    case mapBlur = "map+blur"
    /// The expert alone: what it adds to a pipeline that decodes and crops anyway.
    case expert
    /// The whole frame.
    case frame

    /// The stages a frame passes through, in order; the others are sums of them.
    public static let measured: [BenchStage] = [.decode, .resizeCrop, .backbone, .features, .search, .mapBlur]

    /// The measured stages whose times make up this one's: itself for a measured stage.
    public var parts: [BenchStage] {
        switch self {
        case .expert: return [.backbone, .features, .search, .mapBlur]
        case .frame: return Self.measured
        default: return [self]
        }
    }
}
