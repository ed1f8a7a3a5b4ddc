/// Which frame a part was decided on, in the capture's own terms.
public struct FrameStamp: Sendable, Equatable, Codable {
    /// The source's frame sequence number (V4L2 buffer sequence; the folder's or synthetic
    /// line's frame count).
    public var sequence: UInt64
    /// Capture time on CLOCK_MONOTONIC, in nanoseconds: the time base the reject scheduler and
    /// GPIO edges share (not wall-clock time).
    public var monotonicNanoseconds: UInt64

    public init(sequence: UInt64, monotonicNanoseconds: UInt64) {
        self.sequence = sequence
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    enum CodingKeys: String, CodingKey {
        case sequence
        case monotonicNanoseconds = "monotonic_ns"
    }
}
