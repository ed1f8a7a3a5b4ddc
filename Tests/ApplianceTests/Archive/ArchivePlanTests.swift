import Foundation
import Inspection
import XCTest

@testable import Appliance

/// Which parts the archive keeps and the paths it gives them, decided on the line's thread.
final class ArchivePlanTests: XCTestCase {
    func testRejectedAndUnsurePartsKeepTheFrameAndTheOverlay() throws {
        let archive = try makeArchive(for: self)
        XCTAssertEqual(archive.plan(archivePart(123, verdict: .reject)),
                       ArchivedImages(frame: "2026-12-05/0000000123-frame.jpg", overlay: "2026-12-05/0000000123-overlay.jpg"),
                       "the UTC day of the decision, the part id padded to ten digits")
        XCTAssertEqual(archive.plan(archivePart(124, verdict: .unsure))?.overlay, "2026-12-05/0000000124-overlay.jpg")
        XCTAssertEqual(archive.plan(archivePart(12_345_678_901, verdict: .reject))?.frame, "2026-12-05/12345678901-frame.jpg",
                       "an id longer than the padding is written whole")
        let nextDay = archivePart(125, verdict: .reject, decidedAt: lastSecondOfADay.addingTimeInterval(1))
        XCTAssertEqual(archive.plan(nextDay)?.frame, "2026-12-06/0000000125-frame.jpg")
    }

    func testPartsNotInspectedAreKeptWhenTheyHaveAFrame() throws {
        let archive = try makeArchive(for: self)
        let late = archivePart(1, verdict: nil, reason: .overBudget, score: 0.3)
        XCTAssertEqual(archive.plan(late), ArchivedImages(frame: "2026-12-05/0000000001-frame.jpg", overlay: "2026-12-05/0000000001-overlay.jpg"),
                       "a late part has a score and a map: the overlay shows what the expert saw")
        let failed = archivePart(2, verdict: nil, reason: .expertFailed, score: nil)
        XCTAssertEqual(archive.plan(failed), ArchivedImages(frame: "2026-12-05/0000000002-frame.jpg", overlay: nil),
                       "no map, no overlay: the frame alone")
        XCTAssertNil(archive.plan(archivePart(3, verdict: nil, reason: .noFrame, score: nil, hasFrame: false)),
                     "nothing to keep without a frame")
    }

    func testOneGoodPartInAuditEveryIsKept() throws {
        var options = ImageArchive.Options()
        options.auditEvery = 3
        let archive = try makeArchive(for: self, options: options)
        var kept: [Int64] = []
        for id in Int64(1)...10 {
            // Rejects between good parts do not move the audit count.
            XCTAssertNotNil(archive.plan(archivePart(1000 + id, verdict: .reject)))
            if archive.plan(archivePart(id, verdict: .pass, score: 0.1)) != nil { kept.append(id) }
        }
        XCTAssertEqual(kept, [1, 4, 7, 10], "the first good part, then every third")
    }

    func testNoAuditSampleWhenAuditEveryIsZero() throws {
        var options = ImageArchive.Options()
        options.auditEvery = 0
        let archive = try makeArchive(for: self, options: options)
        XCTAssertTrue((1...20).allSatisfy { archive.plan(archivePart(Int64($0), verdict: .pass, score: 0.1)) == nil })
        XCTAssertEqual(archive.counters, ImageArchive.Counters(), "parts not kept are not counted")
    }

    func testOptionsFollowTheStorageSection() {
        let options = ImageArchive.Options(storage: StorageConfig(keepDays: 7, maxDiskMB: 100, auditEvery: 50))
        XCTAssertEqual(options.keepDays, 7)
        XCTAssertEqual(options.maxBytes, 100 * 1_048_576)
        XCTAssertEqual(options.auditEvery, 50)
    }

    func testDayDirectoryNames() {
        XCTAssertTrue(ArchivePaths.isDay("2026-12-05"))
        for name in ["2026-12-5", "2026_12_05", "notes", "2026-12-05x", "20261-2-05"] {
            XCTAssertFalse(ArchivePaths.isDay(name), name)
        }
    }
}
