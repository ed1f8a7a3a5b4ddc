/// One edge on an input line.
public struct GPIOEdge: Sendable, Equatable {
    /// When the kernel saw it, CLOCK_MONOTONIC nanoseconds: the time base of V4L2 frames.
    public var timestampNanoseconds: UInt64
    /// A change to active (after active-low), else to inactive.
    public var rising: Bool
    /// The line's event count from 1; a gap means the kernel's event buffer overflowed.
    public var sequence: UInt64

    public init(timestampNanoseconds: UInt64, rising: Bool, sequence: UInt64) {
        self.timestampNanoseconds = timestampNanoseconds
        self.rising = rising
        self.sequence = sequence
    }
}
