/// The belt encoder's count (rising edges of channel A, modulo 2^32) and when recent counts
/// were reached, to tell the count at a part's reference moment after the fact.
public struct EncoderTrack: Sendable {
    /// How many recent edges are remembered; a part's moment older than all of them takes the oldest.
    public let capacity: Int
    public private(set) var count: UInt32
    /// (timestamp, count after the edge), oldest first, as a ring.
    private var edges: [(time: UInt64, count: UInt32)] = []
    private var next = 0

    public init(startingAt count: UInt32 = 0, capacity: Int = 8192) {
        self.count = count
        self.capacity = capacity
    }

    /// One counting edge at `time`; returns the new count.
    @discardableResult
    public mutating func step(at time: UInt64) -> UInt32 {
        count &+= 1
        if edges.count < capacity {
            edges.append((time, count))
        } else {
            edges[next] = (time, count)
            next = (next + 1) % capacity
        }
        return count
    }

    /// The count at `time`: after the last edge at or before it.
    public func count(at time: UInt64) -> UInt32 {
        guard !edges.isEmpty else { return count }
        // Newest first: a part's moment is almost always among the latest edges.
        let newest = edges.count < capacity ? edges.count - 1 : (next + capacity - 1) % capacity
        for back in 0..<edges.count {
            let edge = edges[(newest - back + capacity) % capacity]
            if edge.time <= time { return edge.count }
        }
        // Before every remembered edge: one before the oldest.
        return edges[(newest + 1) % edges.count].count &- 1
    }
}
