extension ImageArchive {
    /// What the archive has done since it started, for the status, the summary and health.
    /// Parts are counted once each: written, dropped or failed.
    public struct Counters: Sendable, Equatable, Codable {
        /// Parts whose images were all written.
        public var written: UInt64 = 0
        /// JPEG bytes written.
        public var bytesWritten: UInt64 = 0
        /// Parts given up because the queue was full (or still queued at close).
        public var dropped: UInt64 = 0
        /// Parts whose images could not be written: a disk error, a failed encoding, or the
        /// archive was degraded when the part was decided.
        public var failed: UInt64 = 0
        /// Image files deleted by retention (age or size).
        public var pruned: UInt64 = 0
        /// Parts waiting to be written now.
        public var queued: Int = 0
        /// The archive's images on disk now, in bytes.
        public var diskBytes: Int64 = 0

        public init() {}
    }
}
