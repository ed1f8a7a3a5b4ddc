extension OutboxPublisher {
    /// What the publisher has done, for health and status.
    public struct Counters: Sendable, Equatable {
        /// Results and events handed to the broker (a message sent again counts again).
        public var sent = 0
        /// Messages the broker acknowledged and the journal marked delivered.
        public var acknowledged = 0
        /// Messages the broker answered with a refusal (MQTT 5 reason 128 or above); marked
        /// delivered, since sending them again cannot help, and logged.
        public var refused = 0
        /// Undelivered messages dropped by the spool bound.
        public var lost = 0
        /// Messages waiting for delivery (sent or not), as last read from the journal.
        public var backlog = 0
        /// Age of the oldest waiting message in seconds; nil when none waits.
        public var oldestAgeSeconds: Double?
        /// Whether the broker accepted the current connection.
        public var connected = false
        /// Accepted connections, the first included.
        public var connects = 0
        /// Why the connection is down (the last error); nil while connected.
        public var problem: String?
        /// From a result's verdict to the broker's acknowledgement, in milliseconds, for
        /// results sent live (not `historical`).
        public var delivery = LatencyHistogram()

        public init() {}
    }
}
