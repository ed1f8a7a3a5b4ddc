/// Why ``BenchHarness`` stopped.
public enum BenchError: Error, CustomStringConvertible {
    /// There were no frames to time.
    case noFrames
    /// Frames, warm-up frames or rounds out of range.
    case invalidSchedule(String)
    /// A subject failed on a frame.
    case frameFailed(subject: String, underlying: any Error)

    /// One sentence; a failing frame's starts with the subject's name.
    public var description: String {
        switch self {
        case .noFrames: return "no frames to time"
        case .invalidSchedule(let reason): return reason
        case .frameFailed(let subject, let underlying): return "\(subject): \(underlying)"
        }
    }
}
