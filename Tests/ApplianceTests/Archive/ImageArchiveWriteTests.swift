import Foundation
import Imaging
import Inspection
import PatchCore
import XCTest

@testable import Appliance

/// The archive writes JPEGs that decode: the frame as captured, and the overlay with the heat
/// map over the expert's region and the boxes in red, in camera pixels.
final class ImageArchiveWriteTests: XCTestCase {
    private let frame = RGBImage(width: 160, height: 120, fill: 128)

    func testFrameAndOverlayAreWrittenWithTheBoxesAndTheHeatMap() throws {
        let archive = try makeArchive(for: self)
        let box = SuspectBox(x: 20, y: 30, width: 40, height: 40, score: 0.8)
        // The map covers the right half; its values are far above the threshold (1 normalised).
        let heatmap = PartHeatmap(map: FloatPlane(width: 8, height: 8, fill: 100), area: Rect(x: 80, y: 0, width: 80, height: 120),
                                  calibration: Calibration(heldOutScores: [1, 2, 3], sigmas: 1))
        let part = planAndSubmit(archivePart(7, verdict: .reject, boxes: [box]), frame: frame, heatmap: heatmap, in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))

        let images = part.images
        let frameFile = try JPEG.decodeRGB(try bytes(archive, try XCTUnwrap(images.frame)))
        XCTAssertEqual([frameFile.width, frameFile.height], [160, 120], "the frame at camera resolution")
        XCTAssertLessThan(distance(frameFile.rgb(x: 40, y: 30), (128, 128, 128)), 8, "the frame is as captured, no boxes")

        let overlay = try JPEG.decodeRGB(try bytes(archive, try XCTUnwrap(images.overlay)))
        XCTAssertEqual([overlay.width, overlay.height], [160, 120])
        for (x, y) in [(40, 30), (20, 50), (58, 50), (40, 69)] {
            let (r, g, b) = overlay.rgb(x: x, y: y)
            XCTAssertTrue(Int(r) > Int(g) + 100 && Int(r) > Int(b) + 100, "box edge at \(x),\(y) is red: \((r, g, b))")
        }
        XCTAssertLessThan(distance(overlay.rgb(x: 40, y: 50), (128, 128, 128)), 8, "inside the box, off the map: the frame")
        let (r, g, b) = overlay.rgb(x: 120, y: 60)
        XCTAssertTrue(Int(r) > Int(g) + 30 && Int(r) > Int(b) + 30, "the map's hot colour over its area: \((r, g, b))")

        let counters = archive.counters
        XCTAssertEqual(counters.written, 1)
        XCTAssertEqual(counters.failed, 0)
        XCTAssertEqual(counters.bytesWritten, UInt64(try size(archive, images.frame) + size(archive, images.overlay)))
        XCTAssertEqual(counters.diskBytes, Int64(counters.bytesWritten))
        XCTAssertEqual(archive.health, .ok)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: archive.directory + "/2026-12-05").filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "temporary files are renamed into place")
    }

    func testAPartWithoutAMapGetsTheFrameOnly() throws {
        let archive = try makeArchive(for: self)
        let part = planAndSubmit(archivePart(8, verdict: nil, reason: .expertFailed, score: nil), frame: frame, in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertNil(part.images.overlay)
        XCTAssertNoThrow(try JPEG.decodeRGB(try bytes(archive, try XCTUnwrap(part.images.frame))))
        XCTAssertEqual(archive.counters.written, 1)
    }

    func testPartsNotKeptAreNotWritten() throws {
        var options = ImageArchive.Options()
        options.auditEvery = 0
        let archive = try makeArchive(for: self, options: options)
        let part = planAndSubmit(archivePart(9, verdict: .pass, score: 0.1), frame: frame, in: archive)
        XCTAssertTrue(archive.flush(timeout: 10))
        XCTAssertEqual(part.images, ArchivedImages())
        XCTAssertEqual(archive.counters.written, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: archive.directory), [])
    }

    func testAFullQueueDropsImagesAndCountsThemWithoutBlocking() throws {
        var options = ImageArchive.Options()
        options.capacity = 2
        let archive = try makeArchive(for: self, options: options)
        let large = RGBImage(width: 1024, height: 768, fill: 90)
        let started = Date()
        var parts: [Part] = []
        for id in Int64(1)...40 {
            parts.append(planAndSubmit(archivePart(id, verdict: .reject), frame: large, in: archive))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "submitting never waits for the encoder or the disk")
        XCTAssertTrue(archive.flush(timeout: 60))
        let counters = archive.counters
        XCTAssertGreaterThan(counters.dropped, 0, "forty large frames at once overflow a queue of two")
        XCTAssertEqual(counters.written + counters.dropped, 40, "every part is written or counted as dropped")
        XCTAssertEqual(counters.queued, 0)
        let present = parts.filter { FileManager.default.fileExists(atPath: archive.directory + "/" + ($0.images.frame ?? "-")) }
        XCTAssertEqual(UInt64(present.count), counters.written)
        XCTAssertTrue(present.contains { $0.id == parts.last?.id }, "the newest part is kept: the oldest go first")
    }

    func testCloseDropsWhatItCannotWriteAndRefusesLaterParts() throws {
        let archive = try makeArchive(for: self)
        XCTAssertTrue(archive.close(timeout: 5))
        planAndSubmit(archivePart(1, verdict: .reject), frame: frame, in: archive)
        XCTAssertEqual(archive.counters.dropped, 1, "a part submitted after close is counted, not lost silently")
        XCTAssertTrue(archive.close(timeout: 1), "closing twice is harmless")
    }

    private func bytes(_ archive: ImageArchive, _ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: archive.directory + "/" + path)))
    }

    private func size(_ archive: ImageArchive, _ path: String?) throws -> Int {
        try bytes(archive, try XCTUnwrap(path)).count
    }

    private func distance(_ a: (UInt8, UInt8, UInt8), _ b: (Int, Int, Int)) -> Int {
        max(abs(Int(a.0) - b.0), abs(Int(a.1) - b.1), abs(Int(a.2) - b.2))
    }
}
