/// The state of the capture loop, published to the appliance's health topic.
public enum CaptureHealth: Sendable, Equatable, CustomStringConvertible {
    /// Opening the source for the first time.
    case starting
    /// Frames are flowing.
    case streaming
    /// The source failed or went silent; the loop is retrying with back-off.
    case cameraLost(reason: String)
    /// The loop ended: asked to stop, or a folder without loop ran out.
    case stopped

    /// The state without its reason: transitions are logged when this changes, not on every retry.
    public var name: String {
        switch self {
        case .starting: return "starting"
        case .streaming: return "streaming"
        case .cameraLost: return "camera_lost"
        case .stopped: return "stopped"
        }
    }

    public var description: String {
        if case .cameraLost(let reason) = self { return "camera_lost (\(reason))" }
        return name
    }
}
