import Capture
import EagleLog
import Foundation
import Glibc
import Imaging
import Inspection

/// The image archive (`storage.images_dir`): JPEGs of the parts someone will ask about, written
/// on a thread of its own so that the line never waits for the disk.
///
/// - **What is kept** (``plan(_:)``): every rejected, unsure or not-inspected part that has a
///   frame (the fail-safe rejects those, and the images say why), and one good part in
///   ``Options/auditEvery`` for audits: the frame as captured and, when the expert made an
///   anomaly map, the overlay (``PartOverlay``). Paths are `YYYY-MM-DD/0000000123-frame.jpg`
///   and `...-overlay.jpg`, by the decision's UTC day and the part id.
/// - **Bounded**: ``submit(_:frame:heatmap:)`` queues and returns; when the queue is full the
///   oldest audit part goes first, then the oldest part (counted as dropped, logged once per
///   burst). The thread runs at nice 10, below capture and the expert.
/// - **Retention** (`storage.keep_days`, `storage.max_disk_mb`): at start and every
///   ``Options/pruneInterval``, images older than the limit go, then the oldest until the rest
///   fit; sizes are tracked in memory, the tree is read only at start.
/// - **Never fatal**: a disk that is full (less than ``Options/reserveBytes`` free),
///   read-only or missing makes the health `degraded` with the reason, logged once; the parts
///   decided meanwhile are counted as failed and keep no paths, and every
///   ``Options/retryInterval`` the archive tries again.
///
/// A journalled path may still name a missing file: a part dropped from the full queue, one
/// whose write failed, or one retention has since removed.
///
/// Call ``close(timeout:)`` when done (the thread keeps the archive alive until then).
public final class ImageArchive: @unchecked Sendable {
    /// The archive directory; the parts' paths are relative to it.
    public let directory: String
    public let options: Options
    private let logger: Logger

    // Guarded by `condition`'s mutex.
    private let condition = MonotonicCondition()
    private var queue: ArchiveQueue
    private var stats = Counters()
    private var currentHealth = ArchiveHealth.ok
    /// Good parts planned so far: the audit sample's count.
    private var goodParts: UInt64 = 0
    /// The start-up scan and prune are done.
    private var started = false
    /// The thread is writing, pruning or retrying.
    private var busy = false
    private var pruneRequested = false
    private var closing = false
    private var finished = false
    /// Parts dropped since the queue last overflowed; 0 outside a burst.
    private var burstDrops: UInt64 = 0

    // The archive thread's own.
    private var index = ArchiveIndex()
    private var scanned = false
    private var lastEncodeFailure: String?

    /// Creates the directory (and its parents) and starts the archive thread. A directory that
    /// cannot be created (a path under a file, a read-only mount, no permission) does not fail:
    /// the archive starts degraded, logs why, and tries again every ``Options/retryInterval``,
    /// since a line that rejects is worth more than its pictures.
    public init(directory: String, options: Options = Options(), logger: Logger = Logger(label: "archive")) {
        self.directory = directory
        self.options = options
        self.logger = logger
        queue = ArchiveQueue(capacity: options.capacity, byteLimit: options.queueByteLimit)
        do {
            try ArchiveDisk.makeDirectories(directory)
        } catch {
            setHealth(.degraded(reason: ArchiveError.directory(error).cause))
        }
        Thread { [self] in run() }.start()
    }

    /// The archive `storage.*` describes.
    public convenience init(storage: StorageConfig, logger: Logger = Logger(label: "archive")) {
        self.init(directory: storage.imagesDir, options: Options(storage: storage), logger: logger)
    }

    // MARK: - The line's side

    /// Whether `part` is archived, and the paths its images will have (relative to
    /// ``directory``), for the line to put in the part before journalling it; nil when it is not
    /// kept. Cheap, and the same parts for the same sequence of verdicts.
    public func plan(_ part: Part) -> ArchivedImages? {
        guard part.frame != nil else { return nil }
        let kept: Bool = condition.locked {
            let wanted: Bool
            if part.verdict == .pass {
                wanted = options.auditEvery > 0 && goodParts % UInt64(options.auditEvery) == 0
                goodParts += 1
            } else {
                wanted = true // reject, unsure, or not inspected
            }
            guard wanted else { return false }
            guard currentHealth.isOK else {
                stats.failed += 1
                return false
            }
            return true
        }
        // The overlay needs the anomaly map, which a scored part has (late ones too).
        return kept ? ArchivePaths.images(of: part, overlay: part.score != nil) : nil
    }

    /// Queues the images ``plan(_:)`` gave `part` (in `part.images`) and returns at once.
    /// - Parameters:
    ///   - frame: the frame the part was decided on, at camera resolution (shared, not copied).
    ///   - heatmap: the expert's anomaly map and where it lies on the frame; nil draws only the
    ///     boxes.
    public func submit(_ part: Part, frame: RGBImage, heatmap: PartHeatmap?) {
        guard part.images.frame != nil || part.images.overlay != nil else { return }
        let item = ArchiveItem(part: part, frame: frame, heatmap: heatmap)
        let burstStarts: Bool = condition.locked {
            guard !closing else {
                stats.dropped += 1
                return false
            }
            let dropped = UInt64(queue.push(item).count)
            stats.queued = queue.count
            condition.broadcast()
            guard dropped > 0 else { return false }
            stats.dropped += dropped
            defer { burstDrops += dropped }
            return burstDrops == 0
        }
        if burstStarts {
            logger.warning("archive queue full: dropping the oldest images, audit samples first",
                           ["capacity": "\(options.capacity)", "dir": directory])
        }
    }

    // MARK: - State

    /// A snapshot of the counters.
    public var counters: Counters { condition.locked { stats } }

    /// Whether images are being kept.
    public var health: ArchiveHealth { condition.locked { currentHealth } }

    /// Counters and health together.
    public var status: ArchiveStatus { condition.locked { ArchiveStatus(counters: stats, health: currentHealth) } }

    /// Asks for a retention run now (besides the one at start and every
    /// ``Options/pruneInterval``); ``flush(timeout:)`` waits for it.
    public func prune() {
        condition.locked {
            pruneRequested = true
            condition.broadcast()
        }
    }

    /// Returns once every part submitted so far is written (or failed), the start-up scan and
    /// any requested prune are done, or `seconds` passed; false on timeout.
    @discardableResult
    public func flush(timeout seconds: Double) -> Bool {
        let deadline = MonotonicClock.now() &+ Self.nanoseconds(seconds)
        return condition.locked {
            func idle() -> Bool { started && queue.isEmpty && !busy && !pruneRequested }
            while !idle() && !finished {
                if !condition.wait(until: deadline) { return idle() }
            }
            return queue.isEmpty
        }
    }

    /// Writes what is queued (up to `seconds`), drops the rest (counted) and stops the thread.
    /// Returns false when something was left unwritten. Later calls do nothing.
    @discardableResult
    public func close(timeout seconds: Double = 5) -> Bool {
        let flushed = flush(timeout: seconds)
        let left: Int? = condition.locked {
            guard !closing else { return nil }
            closing = true
            let left = queue.removeAll().count
            stats.dropped += UInt64(left)
            stats.queued = 0
            condition.broadcast()
            return left
        }
        guard let left else { return flushed }
        if left > 0 { logger.warning("archive closed with parts unwritten", ["parts": "\(left)", "dir": directory]) }
        // A write stuck on a dead disk must not hold up the shutdown.
        let deadline = MonotonicClock.now() &+ Self.nanoseconds(1)
        let stopped = condition.locked {
            while !finished {
                if !condition.wait(until: deadline) { return finished }
            }
            return true
        }
        return flushed && stopped
    }

    // MARK: - The archive thread

    private enum Work {
        case write(ArchiveItem)
        case prune
        case retry
        case stop
    }

    private func run() {
        // Named from inside: Foundation passes the name to the kernel (`top -H`,
        // /proc/PID/task/*/comm) only for the current thread.
        Thread.current.name = "archive"
        lowerPriority()
        if health.isOK { startUp() }
        condition.locked {
            started = true
            condition.broadcast()
        }
        var pruneAt = MonotonicClock.now() &+ Self.nanoseconds(options.pruneInterval)
        var retryAt = MonotonicClock.now() &+ Self.nanoseconds(options.retryInterval)
        while true {
            let work = nextWork(pruneAt: pruneAt, retryAt: retryAt)
            switch work {
            case .write(let item):
                write(item)
            case .prune:
                prune(now: Int64(time(nil)))
                pruneAt = MonotonicClock.now() &+ Self.nanoseconds(options.pruneInterval)
            case .retry:
                retry()
                retryAt = MonotonicClock.now() &+ Self.nanoseconds(options.retryInterval)
            case .stop:
                condition.locked {
                    finished = true
                    condition.broadcast()
                }
                return
            }
            finishWork()
        }
    }

    /// Waits for something to do: a retention run when due, a retry while degraded, else the
    /// oldest queued part.
    private func nextWork(pruneAt: UInt64, retryAt: UInt64) -> Work {
        condition.locked {
            while true {
                let now = MonotonicClock.now()
                let degraded = !currentHealth.isOK
                if pruneRequested || now >= pruneAt {
                    pruneRequested = false
                    busy = true
                    return .prune
                }
                if degraded, now >= retryAt {
                    busy = true
                    return .retry
                }
                if let item = queue.pop() {
                    stats.queued = queue.count
                    busy = true
                    return .write(item)
                }
                if closing { return .stop }
                _ = condition.wait(until: degraded ? min(pruneAt, retryAt) : pruneAt)
            }
        }
    }

    /// Marks the thread idle for ``flush(timeout:)``, and ends a burst of drops once the queue
    /// has drained.
    private func finishWork() {
        let burst: UInt64 = condition.locked {
            busy = false
            condition.broadcast()
            guard queue.isEmpty, burstDrops > 0 else { return 0 }
            defer { burstDrops = 0 }
            return burstDrops
        }
        if burst > 0 { logger.notice("archive queue drained", ["dropped": "\(burst)", "dir": directory]) }
    }

    /// Reads what is already archived and applies retention to it.
    private func startUp() {
        do {
            index = try ArchiveIndex.scan(directory)
            scanned = true
        } catch {
            setHealth(.degraded(reason: ArchiveError.read(error).cause))
            return
        }
        prune(now: Int64(time(nil)))
    }

    /// Encodes and writes one part's images.
    private func write(_ item: ArchiveItem) {
        guard health.isOK else {
            // Queued before the disk failed: not worth encoding until it recovers.
            condition.locked { stats.failed += 1 }
            return
        }
        let files: [(path: String, bytes: [UInt8])]
        do {
            files = try encode(item)
        } catch {
            condition.locked { stats.failed += 1 }
            if lastEncodeFailure != error.cause {
                lastEncodeFailure = error.cause
                logger.error("part's images not archived", ["part_id": "\(item.part.id)", "error": "\(error)"])
            }
            return
        }
        do throws(ArchiveError) {
            try checkSpace(margin: 1)
            for file in files {
                let day = String(file.path.prefix { $0 != "/" })
                do {
                    try ArchiveDisk.makeDirectory(directory + "/" + day)
                } catch {
                    throw .directory(error)
                }
                do {
                    try ArchiveDisk.write(file.bytes, to: directory + "/" + file.path)
                } catch {
                    throw .write(error)
                }
                index.add(ArchiveIndex.Entry(path: file.path, modified: Int64(time(nil)), bytes: Int64(file.bytes.count)))
            }
            let bytes = files.reduce(0) { $0 + $1.bytes.count }
            condition.locked {
                stats.written += 1
                stats.bytesWritten += UInt64(bytes)
                stats.diskBytes = index.totalBytes
            }
        } catch {
            condition.locked {
                stats.failed += 1
                stats.diskBytes = index.totalBytes
            }
            setHealth(.degraded(reason: error.cause))
        }
    }

    /// The JPEGs of `item`'s planned paths: the frame, and the overlay drawn on it.
    private func encode(_ item: ArchiveItem) throws(ArchiveError) -> [(path: String, bytes: [UInt8])] {
        do {
            var files: [(path: String, bytes: [UInt8])] = []
            if let path = item.part.images.frame {
                files.append((path, try JPEG.encode(item.frame, quality: options.jpegQuality)))
            }
            if let path = item.part.images.overlay {
                let overlay = try PartOverlay.render(frame: item.frame, heatmap: item.heatmap, boxes: item.part.boxes)
                files.append((path, try JPEG.encode(overlay, quality: options.jpegQuality)))
            }
            return files
        } catch {
            throw .encode("\(error)")
        }
    }

    /// Deletes the images past `keepDays` (by modification time), then the oldest until the
    /// rest fit in `maxBytes`, and the day directories left empty.
    private func prune(now: Int64) {
        let expired = index.expire(before: now - Int64(options.keepDays) * 86_400, maxBytes: options.maxBytes)
        var removed: UInt64 = 0
        var failure: SystemCallError?
        var days = Set<String>()
        for entry in expired {
            do {
                try ArchiveDisk.remove(directory + "/" + entry.path)
                removed += 1
            } catch {
                failure = failure ?? error
            }
            days.insert(String(entry.path.prefix { $0 != "/" }))
        }
        for day in days { ArchiveDisk.removeDirectoryIfEmpty(directory + "/" + day) }
        let diskBytes = index.totalBytes
        condition.locked {
            stats.pruned += removed
            stats.diskBytes = diskBytes
        }
        if removed > 0 {
            logger.info("old images pruned", ["files": "\(removed)", "disk_mb": "\(diskBytes >> 20)", "dir": directory])
        }
        if let failure { logger.warning("retention could not delete an image", ["error": "\(failure)"]) }
    }

    /// While degraded: makes the directory, reads it if it was never read, checks the free space
    /// (twice the reserve, so that the archive does not flap at the edge) and writes a probe.
    private func retry() {
        do throws(ArchiveError) {
            do {
                try ArchiveDisk.makeDirectories(directory)
            } catch {
                throw .directory(error)
            }
            if !scanned {
                do {
                    index = try ArchiveIndex.scan(directory)
                    scanned = true
                } catch {
                    throw .read(error)
                }
            }
            try checkSpace(margin: 2)
            let probe = directory + "/.probe"
            do {
                try ArchiveDisk.write([], to: probe)
                try ArchiveDisk.remove(probe)
            } catch {
                throw .write(error)
            }
            setHealth(.ok)
        } catch {
            setHealth(.degraded(reason: error.cause))
        }
    }

    /// Throws when the disk has less than `margin` times ``Options/reserveBytes`` free.
    private func checkSpace(margin: Int64) throws(ArchiveError) {
        let available: Int64
        do {
            available = try ArchiveDisk.availableBytes(at: directory)
        } catch {
            throw .write(error)
        }
        if available < options.reserveBytes * margin {
            throw .lowSpace(path: directory, availableBytes: available, reserveBytes: options.reserveBytes)
        }
    }

    /// Changes the health, logging each change once.
    private func setHealth(_ health: ArchiveHealth) {
        let (previous, failed) = condition.locked {
            defer { currentHealth = health }
            return (currentHealth, stats.failed)
        }
        guard previous != health else { return }
        switch health {
        case .degraded(let reason):
            logger.error("archiving degraded: images of new parts are not kept", ["reason": reason, "dir": directory])
        case .ok:
            logger.notice("archiving resumed", ["dir": directory, "failed_meanwhile": "\(failed)"])
        }
    }

    /// Nice 10 for this thread alone: Linux keeps a nice value per thread, and `who` 0 names
    /// the calling one. Encoding then yields the CPU to capture and the expert; lowering one's
    /// own priority needs no privilege.
    private func lowerPriority() {
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10) != 0 {
            logger.debug("archive thread keeps its priority", ["errno": "\(errno)"])
        }
    }

    private static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64(max(seconds, 0) * 1e9)
    }
}
