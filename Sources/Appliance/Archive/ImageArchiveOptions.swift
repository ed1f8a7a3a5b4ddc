extension ImageArchive {
    /// What the archive keeps, for how long, and its bounds.
    public struct Options: Sendable, Equatable {
        /// One good part in this many is kept for audits (the first, then every N-th); 0 keeps none.
        public var auditEvery: Int
        /// Days an image is kept.
        public var keepDays: Int
        /// Disk space the images may take; beyond it the oldest go first.
        public var maxBytes: Int64
        /// Parts waiting to be written, at most; beyond it the oldest audit part goes, then the
        /// oldest part. 64 parts are two seconds of a 30 parts/s line that rejects everything.
        public var capacity: Int
        /// Memory the waiting frames may take, so that a large camera cannot make the queue
        /// hold gigabytes.
        public var queueByteLimit: Int
        /// JPEG quality of both images: 90 keeps small defects visible at a tenth of the raw size.
        public var jpegQuality: Int
        /// Seconds between retention runs (also run at start).
        public var pruneInterval: Double
        /// Seconds between attempts to write again while degraded.
        public var retryInterval: Double
        /// Free space the archive leaves on its disk, which it usually shares with the journal:
        /// images stop before the journal runs out of room.
        public var reserveBytes: Int64

        public init(auditEvery: Int = 100, keepDays: Int = 30, maxBytes: Int64 = 2048 << 20, capacity: Int = 64,
                    queueByteLimit: Int = 256 << 20, jpegQuality: Int = 90, pruneInterval: Double = 300,
                    retryInterval: Double = 10, reserveBytes: Int64 = 64 << 20) {
            self.auditEvery = auditEvery
            self.keepDays = keepDays
            self.maxBytes = maxBytes
            self.capacity = capacity
            self.queueByteLimit = queueByteLimit
            self.jpegQuality = jpegQuality
            self.pruneInterval = pruneInterval
            self.retryInterval = retryInterval
            self.reserveBytes = reserveBytes
        }

        /// The options `storage.*` sets; the rest keep their defaults.
        public init(storage: StorageConfig) {
            self.init(auditEvery: storage.auditEvery, keepDays: storage.keepDays, maxBytes: Int64(storage.maxDiskMB) << 20)
        }
    }
}
