/// Where results and images are kept on the board (`storage.*`).
public struct StorageConfig: Sendable, Equatable {
    /// Path of the SQLite journal that records every result before it is acted on or published.
    public var journal: String
    /// Directory for the images of flagged parts and of the audit sample of good ones.
    public var imagesDir: String
    /// Days a result and its images are kept before pruning.
    public var keepDays: Int
    /// Disk space images may take before the oldest are pruned early, in MiB.
    public var maxDiskMB: Int
    /// Every how many good parts one is archived too, for audits; 0 archives none.
    public var auditEvery: Int

    /// Under `/var/lib/eagle-edge`, the state directory the systemd unit owns.
    public init(
        journal: String = "/var/lib/eagle-edge/journal.sqlite",
        imagesDir: String = "/var/lib/eagle-edge/images",
        keepDays: Int = 30,
        maxDiskMB: Int = 2048,
        auditEvery: Int = 100
    ) {
        self.journal = journal
        self.imagesDir = imagesDir
        self.keepDays = keepDays
        self.maxDiskMB = maxDiskMB
        self.auditEvery = auditEvery
    }
}

extension StorageConfig {
    static func read(_ section: SectionReader) -> StorageConfig {
        let defaults = StorageConfig()
        return StorageConfig(
            journal: section.value("journal", default: defaults.journal, section.filePath),
            imagesDir: section.value("images_dir", default: defaults.imagesDir, section.filePath),
            keepDays: section.value("keep_days", default: defaults.keepDays, .integer(in: 1...3650)),
            maxDiskMB: section.value("max_disk_mb", default: defaults.maxDiskMB, .integer(in: 16...10_000_000)),
            auditEvery: section.value("audit_every", default: defaults.auditEvery, .integer(in: 0...1_000_000))
        )
    }
}
