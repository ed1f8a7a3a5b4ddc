extension JournalWriter {
    /// What the writer has done since it started, for health and `/metrics`.
    public struct Counters: Sendable, Equatable {
        /// Parts committed.
        public var committedParts = 0
        /// Events committed.
        public var committedEvents = 0
        /// Transactions committed.
        public var batches = 0
        /// Time spent in committed transactions (insert, outbox rows, fsync), in seconds: the
        /// journal's cost, paid on its own thread.
        public var commitSeconds = 0.0
        /// Failed opens and commits (each retry of a failing disk counts).
        public var writeErrors = 0
        /// Parts refused because their id was already journalled (logged with the id).
        public var duplicateParts = 0
        /// Events dropped because the queue was full.
        public var droppedEvents = 0
        /// Times a part's submitter had to wait for room in a full queue.
        public var backlogFullWaits = 0
        /// Parts never journalled: still queued when `close()` gave up, or submitted after it.
        public var lostParts = 0
        /// Records queued now (including a batch being written or retried).
        public var backlog = 0
        /// The journal's size on disk (database and WAL) after the last commit.
        public var databaseBytes: Int64 = 0
        /// Why the journal cannot be written right now; nil while writes succeed.
        public var problem: String?

        public init() {}
    }
}
