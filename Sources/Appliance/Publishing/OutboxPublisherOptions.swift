extension OutboxPublisher {
    /// How the publisher paces and bounds its work.
    public struct Options: Sendable, Equatable {
        /// QoS of results and events: 1 marks them delivered on PUBACK, 0 when written.
        public var qos: Int
        /// Messages sent and not yet acknowledged, at most (libmosquitto's send maximum is 20).
        public var window: Int
        /// Undelivered messages kept at most; beyond it the oldest go, counted and published.
        public var spoolLimit: Int
        /// A part sent more than this many seconds after its decision is `historical`.
        public var historicalAfterSeconds: Double
        /// Longest sleep between looks at the outbox when no commit wakes the publisher.
        public var pollSeconds: Double
        /// Seconds between applications of the spool bound.
        public var trimSeconds: Double
        /// Unacknowledged this long while connected, in-flight messages are sent again from the
        /// journal (a safety net: libmosquitto resends them itself after a reconnect).
        public var resendAfterSeconds: Double
        /// Seconds between two messages on the `counters` topic (when a line reports its status).
        public var countersIntervalSeconds: Double
        /// At stop, how long to wait for outstanding acknowledgements, then for the offline status.
        public var stopSeconds: Double

        public init(qos: Int = 1, window: Int = 20, spoolLimit: Int = 65_536, historicalAfterSeconds: Double = 10,
                    pollSeconds: Double = 1, trimSeconds: Double = 10, resendAfterSeconds: Double = 30,
                    countersIntervalSeconds: Double = 10, stopSeconds: Double = 2) {
            self.qos = qos
            self.window = window
            self.spoolLimit = spoolLimit
            self.historicalAfterSeconds = historicalAfterSeconds
            self.pollSeconds = pollSeconds
            self.trimSeconds = trimSeconds
            self.resendAfterSeconds = resendAfterSeconds
            self.countersIntervalSeconds = countersIntervalSeconds
            self.stopSeconds = stopSeconds
        }

        /// The spool bound in messages for `spool_max_mb`: an outbox message with its record
        /// takes about 1 KiB in the journal (a part row with a few boxes, indexes and the
        /// outbox row), so a MiB holds about 1024 of them.
        public static func spoolLimit(megabytes: Int) -> Int {
            max(1, megabytes) * 1024
        }
    }
}
