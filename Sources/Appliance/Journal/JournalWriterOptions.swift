extension JournalWriter {
    /// The writer's bounds and rhythm.
    public struct Options: Sendable, Equatable {
        /// Records (parts and events) queued or waiting for a retry. When it is full, an event
        /// makes room by dropping the oldest queued event; a part waits for room (parts are never
        /// dropped). 10 000 parts are more than five minutes of a line at 30 parts/s.
        public var capacity: Int
        /// Records in one transaction at most.
        public var batchSize: Int
        /// The least time between two commits' starts, unless a batch is full or a flush waits:
        /// parts arriving meanwhile share one transaction and one sync. An idle writer commits a
        /// part at once.
        public var batchInterval: Duration
        /// How long the writer waits before trying again after a failed commit or open.
        public var retryInterval: Duration
        /// How long `close()` keeps trying to write what is queued before giving it up (counted
        /// and logged as lost).
        public var closeTimeout: Duration
        /// Records that get an outbox message for the publisher.
        public var outbox: Set<OutboxTopic>

        public init(capacity: Int = 10_000, batchSize: Int = 500, batchInterval: Duration = .milliseconds(100),
                    retryInterval: Duration = .seconds(1), closeTimeout: Duration = .seconds(10),
                    outbox: Set<OutboxTopic> = [.part, .reject, .event]) {
            self.capacity = capacity
            self.batchSize = batchSize
            self.batchInterval = batchInterval
            self.retryInterval = retryInterval
            self.closeTimeout = closeTimeout
            self.outbox = outbox
        }
    }
}

extension Duration {
    /// Whole nanoseconds, for deadlines on CLOCK_MONOTONIC (negative durations count as zero).
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
