import Foundation
import Imaging
import TestFixtures
import XCTest
@testable import PatchCore

/// The report folder as an engineer opens it: the page and an overlay per worst miss, drawn by
/// a real (tiny) expert.
final class EvaluationReportHTMLWriteTests: XCTestCase {
    func testWriteDrawsAnOverlayPerMissBesideThePage() throws {
        let expert = try TinyExpert.shared.get()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-report-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/data", out = root + "/report/int8"
        for (i, name) in ReportFixtures.names.enumerated() {
            let path = data + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try ImageFile.write(TinyExpert.image(seed: i), to: path)
        }
        let report = try ReportFixtures.report(folder: data, model: expert.model)

        try EvaluationReportHTML.write(report, expert: expert, to: out)

        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(files, ["defect-0.png", "defect-1.png", "good-0.png", "good-1.png", "index.html"])
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        XCTAssertEqual(html, EvaluationReportHTML.page(report, model: expert.model, misses: WorstMiss.select(from: report)))
        // An overlay is the expert's input crop, not the original image.
        let overlay = try ImageFile.readRGB(out + "/good-0.png")
        XCTAssertEqual([overlay.width, overlay.height], [64, 64])
    }

    func testAnUnreadableMissStopsTheReportWithTheError() throws {
        let expert = try TinyExpert.shared.get()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-report-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        let report = try ReportFixtures.report(folder: root + "/absent", model: expert.model)
        XCTAssertThrowsError(try EvaluationReportHTML.write(report, expert: expert, to: root + "/report"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/report/index.html"), "no page without its figures")
    }
}
