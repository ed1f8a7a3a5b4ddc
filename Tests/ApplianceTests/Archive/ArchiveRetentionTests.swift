import Foundation
import Imaging
import XCTest

@testable import Appliance

/// Retention: images past `keep_days` go, then the oldest beyond `max_disk_mb`; the tree is read
/// once at start and every image written is tracked, so pruning never walks it again.
final class ArchiveRetentionTests: XCTestCase {
    private let fileManager = FileManager.default

    /// Writes `bytes` bytes at `path` (relative to `directory`) with the given age in seconds.
    private func file(_ directory: String, _ path: String, bytes: Int = 1000, age: TimeInterval) throws {
        let url = URL(fileURLWithPath: directory + "/" + path)
        try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0xFF, count: bytes).write(to: url)
        try fileManager.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
    }

    private func exists(_ directory: String, _ path: String) -> Bool {
        fileManager.fileExists(atPath: directory + "/" + path)
    }

    func testImagesOlderThanKeepDaysGoAtStartAndOnlyThem() throws {
        let directory = try temporaryDirectory(for: self).path
        let day = 86_400.0
        try file(directory, "2026-10-01/0000000001-frame.jpg", age: 40 * day)
        try file(directory, "2026-10-01/0000000001-overlay.jpg", age: 40 * day)
        try file(directory, "2026-11-20/0000000002-frame.jpg", age: 15 * day)
        try file(directory, "2026-12-05/0000000003-frame.jpg", age: 60)
        try file(directory, "2026-12-05/0000000004-frame.jpg.tmp", age: 60)
        try file(directory, "2026-09-01/notes.txt", age: 90 * day)
        try file(directory, "exports/0000000009-frame.jpg", age: 90 * day)
        var options = ImageArchive.Options()
        options.keepDays = 30
        let archive = try makeArchive(for: self, directory: directory, options: options)
        XCTAssertTrue(archive.flush(timeout: 10))

        XCTAssertFalse(exists(directory, "2026-10-01"), "an expired day goes with its images")
        XCTAssertTrue(exists(directory, "2026-11-20/0000000002-frame.jpg"))
        XCTAssertTrue(exists(directory, "2026-12-05/0000000003-frame.jpg"))
        XCTAssertFalse(exists(directory, "2026-12-05/0000000004-frame.jpg.tmp"), "a file a crash left half-written is removed")
        XCTAssertTrue(exists(directory, "2026-09-01/notes.txt"), "what is not an image is not the archive's to delete")
        XCTAssertTrue(exists(directory, "exports/0000000009-frame.jpg"), "nor what is outside its day directories")
        XCTAssertEqual(archive.counters.pruned, 2)
        XCTAssertEqual(archive.counters.diskBytes, 2000)
    }

    func testTheOldestGoFirstBeyondTheSizeLimit() throws {
        let directory = try temporaryDirectory(for: self).path
        for index in 1...5 {
            try file(directory, "2026-12-05/000000000\(index)-frame.jpg", bytes: 1000, age: Double(100 - index * 10))
        }
        var options = ImageArchive.Options()
        options.maxBytes = 2500
        let archive = try makeArchive(for: self, directory: directory, options: options)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual((1...5).map { exists(directory, "2026-12-05/000000000\($0)-frame.jpg") }, [false, false, false, true, true])
        XCTAssertEqual(archive.counters.pruned, 3)
        XCTAssertEqual(archive.counters.diskBytes, 2000)
    }

    func testImagesWrittenAreTrackedForRetention() throws {
        var options = ImageArchive.Options()
        let archive = try makeArchive(for: self, options: options)
        let frame = RGBImage(width: 64, height: 48, fill: 40)
        var parts = (1...4).map { id in planAndSubmit(archivePart(Int64(id), verdict: .reject), frame: frame, in: archive) }
        XCTAssertTrue(archive.flush(timeout: 10))
        let written = archive.counters
        XCTAssertEqual(written.written, 4)
        XCTAssertEqual(written.diskBytes, Int64(written.bytesWritten))

        // A new archive over the same directory with room for about one part's images keeps
        // the newest; its start-up scan finds what the first one wrote.
        archive.close()
        options.maxBytes = Int64(written.bytesWritten) / 4 + 16
        let smaller = try makeArchive(for: self, directory: archive.directory, options: options)
        XCTAssertTrue(smaller.flush(timeout: 10))
        parts = parts.filter { FileManager.default.fileExists(atPath: archive.directory + "/" + ($0.images.frame ?? "-")) }
        XCTAssertEqual(parts.map(\.id.rawValue), [4])
        XCTAssertEqual(smaller.counters.pruned, 6, "three parts, frame and overlay each")
    }

    func testPruneOnRequestAppliesToImagesJustWritten() throws {
        var options = ImageArchive.Options()
        options.maxBytes = 1
        let archive = try makeArchive(for: self, options: options)
        planAndSubmit(archivePart(1, verdict: .reject), frame: RGBImage(width: 64, height: 48, fill: 40), in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual(archive.counters.written, 1)
        archive.prune()
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual(archive.counters.pruned, 2)
        XCTAssertEqual(archive.counters.diskBytes, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: archive.directory), [], "the empty day goes too")
    }

    func testTheIndexExpiresByAgeThenBySize() {
        var index = ArchiveIndex()
        for (path, modified) in [("a", 10), ("b", 20), ("c", 30), ("d", 40)] {
            index.add(ArchiveIndex.Entry(path: path, modified: Int64(modified), bytes: 100))
        }
        index.add(ArchiveIndex.Entry(path: "b", modified: 50, bytes: 300))
        XCTAssertEqual(index.entries.map(\.path), ["a", "c", "d", "b"], "a file written again moves to the newest")
        XCTAssertEqual(index.totalBytes, 600)
        XCTAssertEqual(index.expire(before: 15, maxBytes: 400).map(\.path), ["a", "c"])
        XCTAssertEqual(index.totalBytes, 400)
        XCTAssertEqual(index.expire(before: 0, maxBytes: 0).map(\.path), ["d", "b"])
        XCTAssertEqual(index.totalBytes, 0)
    }
}
