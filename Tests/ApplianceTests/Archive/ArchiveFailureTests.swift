import EagleLog
import Foundation
import Imaging
import Inspection
import XCTest

@testable import Appliance

/// A disk that cannot take images degrades archiving, counted and logged once, and never stops
/// the caller. Tests run as root, where permission bits stop nothing: the failures are made
/// with a path under a regular file (ENOTDIR), which fails for root too.
final class ArchiveFailureTests: XCTestCase {
    private let frame = RGBImage(width: 64, height: 48, fill: 60)

    func testADirectoryThatCannotBeCreatedDegradesArchivingFromTheStart() throws {
        let blocker = try temporaryDirectory(for: self).appendingPathComponent("a-file").path
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: blocker))
        let log = MemoryLogSink()
        let archive = try makeArchive(for: self, directory: blocker + "/images",
                                      logger: Logger(label: "archive", minimumLevel: .info, format: .plain, sink: log))
        guard case .degraded(let reason) = archive.health else { return XCTFail("archiving should be degraded") }
        XCTAssertTrue(reason.contains("Not a directory"), reason)

        for id in Int64(1)...5 {
            let part = planAndSubmit(archivePart(id, verdict: .reject), frame: frame, in: archive)
            XCTAssertEqual(part.images, ArchivedImages(), "no paths for images that will not be written")
        }
        XCTAssertTrue(archive.flush(timeout: 10), "a degraded archive still answers at once")
        XCTAssertEqual(archive.counters.failed, 5)
        XCTAssertEqual(archive.counters.written, 0)
        XCTAssertEqual(log.lines.filter { $0.contains("archiving degraded") }.count, 1, "logged once, not per part: \(log.lines)")
    }

    func testADiskThatFailsWhileRunningIsCountedAndRecovered() throws {
        let root = try temporaryDirectory(for: self).path
        let directory = root + "/images"
        var options = ImageArchive.Options()
        options.retryInterval = 0.1
        let log = MemoryLogSink()
        let archive = try makeArchive(for: self, directory: directory, options: options,
                                      logger: Logger(label: "archive", minimumLevel: .info, format: .plain, sink: log))
        XCTAssertTrue(archive.flush(timeout: 10))

        // The directory gives way to a file: day directories can no longer be made in it.
        try FileManager.default.removeItem(atPath: directory)
        try Data().write(to: URL(fileURLWithPath: directory))
        let lost = planAndSubmit(archivePart(1, verdict: .reject), frame: frame, in: archive)
        XCTAssertNotNil(lost.images.frame, "planned while the disk still looked well")
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual(archive.counters.failed, 1)
        XCTAssertFalse(archive.health.isOK)
        XCTAssertEqual(planAndSubmit(archivePart(2, verdict: .reject), frame: frame, in: archive).images, ArchivedImages())
        XCTAssertEqual(archive.counters.failed, 2)

        // Put right, the archive notices by itself and keeps images again.
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        XCTAssertTrue(eventually { archive.health.isOK }, "health: \(archive.health.name)")
        let kept = planAndSubmit(archivePart(3, verdict: .reject), frame: frame, in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + (kept.images.frame ?? "-")))
        XCTAssertEqual(archive.counters.written, 1)
        XCTAssertEqual(log.lines.filter { $0.contains("archiving degraded") }.count, 1, "\(log.lines)")
        XCTAssertEqual(log.lines.filter { $0.contains("archiving resumed") }.count, 1, "\(log.lines)")
    }

    func testTooLittleFreeSpaceDegradesArchiving() throws {
        var options = ImageArchive.Options()
        options.reserveBytes = Int64.max / 4 // more than any disk has free
        let archive = try makeArchive(for: self, options: options)
        planAndSubmit(archivePart(1, verdict: .reject), frame: frame, in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual(archive.counters.failed, 1)
        guard case .degraded(let reason) = archive.health else { return XCTFail("archiving should be degraded") }
        XCTAssertTrue(reason.contains("free on the disk"), reason)
    }
}
