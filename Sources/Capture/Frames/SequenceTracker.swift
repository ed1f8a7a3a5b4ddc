/// Counts frames the driver dropped from gaps in V4L2 buffer sequence numbers.
///
/// The sequence is a 32-bit counter that wraps; the first frame of a stream only sets the
/// baseline (drivers may start anywhere); a step backwards or a repeat means the driver
/// restarted its counter and is not a loss.
public struct SequenceTracker: Sendable {
    private var last: UInt32?

    public init() {}

    /// Forgets the baseline: the next frame starts a new stream (after a reopen).
    public mutating func reset() { last = nil }

    /// Records `sequence`; returns how many frames were missed since the previous one.
    public mutating func record(_ sequence: UInt32) -> UInt64 {
        defer { last = sequence }
        guard let last else { return 0 }
        let step = sequence &- last
        // More than half the counter's range forward is really a step backwards (or a repeat
        // when 0): a restarted counter, not four billion lost frames.
        guard step != 0, step <= UInt32(Int32.max) else { return 0 }
        return UInt64(step - 1)
    }
}
