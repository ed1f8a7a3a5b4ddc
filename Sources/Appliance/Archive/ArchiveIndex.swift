import Capture

/// The archive's image files, oldest first, with their sizes: what retention deletes. Kept in
/// memory so that pruning never walks the tree: it is read once, when the archive starts, and
/// every image written is added.
struct ArchiveIndex {
    /// One image file.
    struct Entry: Equatable {
        /// Relative to the archive directory.
        var path: String
        /// Last modification, seconds since 1970 (UTC).
        var modified: Int64
        var bytes: Int64
    }

    /// Oldest first (by modification time, then path).
    private(set) var entries: [Entry] = []
    /// The size of all entries.
    private(set) var totalBytes: Int64 = 0
    private var paths: Set<String> = []

    init() {}

    /// The images in the day directories under `directory`. Files left half-written by a crash
    /// are deleted; anything not the archive's (other names, other directories) is left alone.
    static func scan(_ directory: String) throws(SystemCallError) -> ArchiveIndex {
        var found: [Entry] = []
        for day in try ArchiveDisk.names(in: directory) where ArchivePaths.isDay(day) {
            let dayPath = directory + "/" + day
            guard ArchiveDisk.status(dayPath)?.isDirectory == true else { continue }
            for name in try ArchiveDisk.names(in: dayPath) {
                let path = dayPath + "/" + name
                if name.hasSuffix(ArchivePaths.temporarySuffix) {
                    try? ArchiveDisk.remove(path)
                    continue
                }
                guard ArchivePaths.isImage(name), let status = ArchiveDisk.status(path), status.isRegularFile else { continue }
                found.append(Entry(path: day + "/" + name, modified: status.modified, bytes: status.bytes))
            }
        }
        var index = ArchiveIndex()
        for entry in found.sorted(by: { ($0.modified, $0.path) < ($1.modified, $1.path) }) { index.add(entry) }
        return index
    }

    /// Adds a file just written; one written again under the same name replaces its entry.
    mutating func add(_ entry: Entry) {
        if !paths.insert(entry.path).inserted, let old = entries.firstIndex(where: { $0.path == entry.path }) {
            totalBytes -= entries.remove(at: old).bytes
        }
        entries.append(entry)
        totalBytes += entry.bytes
    }

    /// Takes out the entries modified before `cutoff`, then the oldest until the rest fit in
    /// `maxBytes`, and returns them (the caller deletes the files).
    mutating func expire(before cutoff: Int64, maxBytes: Int64) -> [Entry] {
        var expired = entries.filter { $0.modified < cutoff }
        entries.removeAll { $0.modified < cutoff }
        var kept = totalBytes - expired.reduce(0) { $0 + $1.bytes }
        var oldest = 0
        while kept > maxBytes, oldest < entries.count {
            kept -= entries[oldest].bytes
            oldest += 1
        }
        expired += entries.prefix(oldest)
        entries.removeFirst(oldest)
        totalBytes = kept
        for entry in expired { paths.remove(entry.path) }
        return expired
    }
}
