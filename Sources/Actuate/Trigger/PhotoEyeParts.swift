import Inspection

/// The parts a photo-eye announced, waiting for their frames: each rising edge is a part whose
/// frame is the first captured at or after the edge plus an offset, within a window. Frames are
/// matched in order (parts pass the camera in the order they passed the photo-eye); a frame
/// before the next part's window belongs to no part; a part whose window closed without a frame
/// is not inspected. Pure: the ``PhotoEyeTrigger`` thread adds edges, the inspection thread
/// claims frames; times are CLOCK_MONOTONIC ns, like V4L2 frame timestamps.
public struct PhotoEyeParts: Sendable {
    /// A part announced by an edge.
    public struct Pending: Sendable, Equatable {
        public var id: PartID
        /// The edge's kernel timestamp.
        public var edgeTime: UInt64

        public init(id: PartID, edgeTime: UInt64) {
            self.id = id
            self.edgeTime = edgeTime
        }
    }

    public let offsetNanoseconds: UInt64
    public let windowNanoseconds: UInt64
    /// The most parts waiting; beyond it the oldest is given up (not inspected).
    public let capacity: Int
    private var pending: [Pending] = []

    public init(offsetNanoseconds: UInt64, windowNanoseconds: UInt64, capacity: Int = 256) {
        self.offsetNanoseconds = offsetNanoseconds
        self.windowNanoseconds = windowNanoseconds
        self.capacity = capacity
    }

    /// Parts waiting for a frame.
    public var waiting: Int { pending.count }

    /// A part announced; returns the part given up to make room, if the queue was full.
    public mutating func add(_ part: Pending) -> Pending? {
        pending.append(part)
        return pending.count > capacity ? pending.removeFirst() : nil
    }

    /// The frame captured at `frameTime`: the part it belongs to (nil for a frame between
    /// parts), and the parts whose window closed before it (not inspected).
    public mutating func claim(frameTime: UInt64) -> (part: Pending?, missed: [Pending]) {
        var missed: [Pending] = []
        while let head = pending.first {
            let opens = head.edgeTime &+ offsetNanoseconds
            if frameTime < opens { return (nil, missed) }
            pending.removeFirst()
            if frameTime <= opens &+ windowNanoseconds { return (head, missed) }
            missed.append(head)
        }
        return (nil, missed)
    }

    /// Parts whose window closed more than `grace` before `now` without a frame: a frame of
    /// theirs, captured in time, would have arrived by then.
    public mutating func expire(now: UInt64, grace: UInt64) -> [Pending] {
        var expired: [Pending] = []
        while let head = pending.first, head.edgeTime &+ offsetNanoseconds &+ windowNanoseconds &+ grace < now {
            expired.append(pending.removeFirst())
        }
        return expired
    }
}
