extension SparkplugNode {
    /// Who the node is and how it paces its work.
    public struct Options: Sendable, Equatable {
        /// `spBv1.0/{groupID}/...`.
        public var groupID: String
        /// `.../{edgeNodeID}`.
        public var edgeNodeID: String
        /// The host application whose STATE gates the births; nil publishes as soon as connected.
        public var primaryHostID: String?
        /// Seconds between looks at the counters and health (sent when they changed).
        public var countersIntervalSeconds: Double
        /// Parts waiting beyond this many, the oldest are skipped (counted and logged).
        public var spoolLimit: Int
        /// NDATA written to the socket ahead of libmosquitto's confirmations, at most.
        public var window: Int
        /// Longest sleep between looks at the journal when no commit wakes the node.
        public var pollSeconds: Double
        /// At stop, how long to wait for outstanding writes, then for the NDEATH's PUBACK.
        public var stopSeconds: Double

        public init(groupID: String, edgeNodeID: String, primaryHostID: String? = nil, countersIntervalSeconds: Double = 10,
                    spoolLimit: Int = 65_536, window: Int = 64, pollSeconds: Double = 1, stopSeconds: Double = 2) {
            self.groupID = groupID
            self.edgeNodeID = edgeNodeID
            self.primaryHostID = primaryHostID
            self.countersIntervalSeconds = countersIntervalSeconds
            self.spoolLimit = spoolLimit
            self.window = window
            self.pollSeconds = pollSeconds
            self.stopSeconds = stopSeconds
        }
    }

    /// What the node has done, for status and tests.
    public struct Counters: Sendable, Equatable {
        /// NBIRTHs published (the first of each session and every rebirth).
        public var births = 0
        /// Rebirths asked for by a host (NCMD `Node Control/Rebirth`).
        public var rebirths = 0
        /// Part NDATA written to the broker's socket.
        public var partsSent = 0
        /// Of those, sent with `is_historical` (decided before the session's birth).
        public var historicalSent = 0
        /// Parts skipped by the spool bound.
        public var lost = 0
        /// The current session's bdSeq.
        public var bdSeq: UInt64 = 0
        /// Whether the primary host (if any) says it is online.
        public var hostOnline = false
        public var connected = false

        public init() {}
    }
}
