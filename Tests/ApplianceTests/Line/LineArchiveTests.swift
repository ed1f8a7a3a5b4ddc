import Capture
import EagleLog
import Foundation
import Imaging
import Inspection
import TestFixtures
import XCTest

@testable import Appliance

/// The line with an archive on the tiny expert: each kept part's record names images that exist
/// once the run has returned, and the status counts them. How many frames become parts depends
/// on the machine (under qemu the expert is slow and the capture hand-off drops frames on
/// purpose), so the tests count the parts recorded rather than expect every frame.
final class LineArchiveTests: XCTestCase {
    private let quiet = Logger(label: "line", minimumLevel: .critical)

    /// A line over `count` folder frames that keeps every part's images in `imagesDir`, with
    /// its journal and archive.
    private func line(frames count: Int, imagesDir: (URL) throws -> String) throws -> (Line, MemoryRecorder, ImageArchive) {
        let directory = try temporaryDirectory(for: self)
        let frames = directory.appendingPathComponent("frames").path
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        for index in 0..<count {
            try ImageFile.write(TinyExpert.image(seed: index % 5), to: frames + String(format: "/frame-%03d.png", index))
        }
        var config = ApplianceConfig()
        config.camera = CaptureSettings(source: .folder, width: 80, height: 72, fps: 240, folder: frames, loop: false)
        config.decision.budgetMs = 10_000
        config.storage.imagesDir = try imagesDir(directory)
        config.storage.auditEvery = 1 // every good part too, so that every part is kept
        let archive = ImageArchive(storage: config.storage, logger: quiet)
        addTeardownBlock { archive.close() }
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        let line = try Line(config: config, expert: ExpertLoader.Loaded(expert: TinyExpert.shared.get(), modelID: "tiny-model"),
                            recorder: recorder, archive: archive, logger: quiet)
        return (line, recorder, archive)
    }

    func testRecordedPartsNameTheImagesTheArchiveWrote() throws {
        let (line, recorder, archive) = try line(frames: 10) { $0.appendingPathComponent("images").path }
        var observed: [Part] = []
        let status = line.run { part, _ in observed.append(part) }

        let parts = recorder.parts
        XCTAssertFalse(parts.isEmpty)
        XCTAssertEqual(observed, recorder.parts, "observers see the record the journal got, images included")
        for part in parts {
            let frame = try XCTUnwrap(part.images.frame, "part \(part.id) is kept")
            let overlay = try XCTUnwrap(part.images.overlay, "the expert scored part \(part.id): it has an overlay")
            XCTAssertTrue(frame.hasSuffix(String(format: "%010lld-frame.jpg", part.id.rawValue)), frame)
            for path in [frame, overlay] {
                let image = try JPEG.decodeRGB(Array(try Data(contentsOf: URL(fileURLWithPath: archive.directory + "/" + path))))
                XCTAssertEqual([image.width, image.height], [80, 72], "\(path) is at camera resolution")
            }
        }
        let archived = try XCTUnwrap(status.archive)
        XCTAssertEqual(archived.counters.written, UInt64(parts.count), "the run waits for the archive before it returns")
        XCTAssertEqual(archived.health, "ok")
        XCTAssertTrue(status.statusLine.contains("archived \(parts.count)"), status.statusLine)
        XCTAssertTrue(RunSummary(status: status, recipe: "tiny", modelID: "tiny-model", source: "folder").text
            .contains("archive     \(parts.count) parts kept"))
    }

    func testALineWhoseArchiveCannotWriteGoesOn() throws {
        let (line, recorder, _) = try line(frames: 4) { directory in
            let blocker = directory.appendingPathComponent("a-file").path
            try Data().write(to: URL(fileURLWithPath: blocker))
            return blocker + "/images"
        }
        let status = line.run()
        XCTAssertEqual(UInt64(recorder.parts.count), status.counters.parts, "every part is decided and recorded")
        XCTAssertGreaterThan(status.counters.parts, 0)
        XCTAssertTrue(recorder.parts.allSatisfy { $0.images == ArchivedImages() })
        XCTAssertEqual(status.archive?.counters.failed, status.counters.parts)
        XCTAssertTrue(status.statusLine.contains("archive degraded"), status.statusLine)
    }
}
