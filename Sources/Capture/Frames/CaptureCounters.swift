/// What happened to the frames of a capture run. Every frame the source produced lands in
/// exactly one of `delivered`, `droppedBusy`, `corrupt` (or is the one still waiting in the
/// hand-off); `droppedByDriver` counts frames we never saw.
public struct CaptureCounters: Sendable, Equatable, CustomStringConvertible {
    /// Frames the consumer took.
    public var delivered: UInt64 = 0
    /// Frames the driver dropped before we dequeued them: gaps in the buffer sequence numbers
    /// (the camera ran faster than we dequeued, or the USB link lost frames).
    public var droppedByDriver: UInt64 = 0
    /// Good frames we dropped on purpose because the consumer was still busy with an older
    /// one and a newer frame replaced it: the pipeline always inspects the freshest part.
    public var droppedBusy: UInt64 = 0
    /// Frames skipped as unusable: bad MJPEG, V4L2_BUF_FLAG_ERROR, short payload, unreadable file.
    public var corrupt: UInt64 = 0
    /// Times the source was reopened after it was lost.
    public var reopened: UInt64 = 0

    public init() {}

    public var description: String {
        "delivered=\(delivered) dropped_driver=\(droppedByDriver) dropped_busy=\(droppedBusy) corrupt=\(corrupt) reopened=\(reopened)"
    }
}
