import Explain
import Foundation
import Imaging
import Inspection
import XCTest

/// The request that leaves the plant for one part: checked against a committed expected request,
/// with the images checked for what a person would see in them.
final class ExplainRequestTests: XCTestCase {
    static let expectedPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Expected/explain-request.json").path

    let settings = PromptSettings(model: "stand-in-vl", product: "demo", imageSize: 320, jpegQuality: 85, maxTokens: 400,
                                  knowledge: demoKnowledge)

    /// The body with each data URL replaced by `<image N: W x H>`: the text, the schema and the
    /// layout are compared byte for byte; the pixels are checked apart.
    func normalized(_ request: ExplainRequest) throws -> String {
        var text = String(decoding: try request.body.encoded(pretty: true), as: UTF8.self)
        for (index, attachment) in request.attachments.enumerated() {
            let url = "data:image/jpeg;base64,\(Data(attachment.jpeg).base64EncodedString())"
            let image = try JPEG.decodeRGB(attachment.jpeg)
            text = text.replacingOccurrences(of: url, with: "<image \(index + 1) \(attachment.name): \(image.width) x \(image.height)>")
        }
        return text + "\n"
    }

    func testRequestMatchesTheCommittedExpectedRequest() throws {
        let request = try ExplainRequest(flaggedSubject(), settings: settings)
        let actual = try normalized(request)
        if ProcessInfo.processInfo.environment["EAGLE_UPDATE_EXPECTED"] == "1" {
            try actual.write(toFile: Self.expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: Self.expectedPath, encoding: .utf8)
        XCTAssertEqual(actual, expected, "run with EAGLE_UPDATE_EXPECTED=1 to accept a deliberate change")
    }

    func testBoxedImageMarksTheSuspectRegionsAndIsWrittenForAPerson() throws {
        let request = try ExplainRequest(flaggedSubject(), settings: settings)
        XCTAssertEqual(request.attachments.map(\.name), ["original", "boxed"])
        let original = try JPEG.decodeRGB(request.attachments[0].jpeg)
        let boxed = try JPEG.decodeRGB(request.attachments[1].jpeg)
        XCTAssertEqual(redPixels(original), 0)
        XCTAssertGreaterThan(redPixels(boxed), 200)
        // The strongest box's outline passes just outside the region, so the scratch stays visible.
        XCTAssertEqual(request.boxes.first, Rect(x: 100, y: 60, width: 40, height: 30))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-explain-evidence")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for attachment in request.attachments {
            try Data(attachment.jpeg).write(to: directory.appendingPathComponent("\(attachment.name).jpg"))
        }
        print("evidence images for a person to look at: \(directory.path)")
    }

    func testNoScoreLeavesInTheText() throws {
        let request = try ExplainRequest(flaggedSubject(), settings: settings)
        let text = userContent(request.body).text
        XCTAssertTrue(text.contains("The inspection system flagged this part as anomalous."))
        XCTAssertTrue(text.contains("can fall on normal regions"))
        for leak in ["0.8374", "0.837", "3.217", "0.61", "score"] {
            XCTAssertFalse(text.lowercased().contains(leak), "the prompt carries \(leak)")
        }
    }

    func testReferenceIsShownFirstAndUnsureIsSaidSo() throws {
        var good = RGBImage(width: 320, height: 240, fill: 172)
        good.fill(Rect(x: 0, y: 0, width: 10, height: 10), color: .white)
        let request = try ExplainRequest(flaggedSubject(verdict: .unsure), settings: settings, reference: good)
        XCTAssertEqual(request.attachments.map(\.name), ["reference", "original", "boxed"])
        let text = userContent(request.body).text
        XCTAssertTrue(text.contains("Image 1 shows a normal, good part"))
        XCTAssertTrue(text.contains("possibly anomalous"))
        XCTAssertTrue(text.contains("Image 3 shows the same part with red boxes"))
    }

    func testAtMostThreeBoxesAndNoneGivesNoBoxedImage() throws {
        let many = (0..<5).map { SuspectBox(x: 10 + 60 * $0, y: 100, width: 30, height: 30, score: 0.9 - 0.1 * Double($0)) }
        XCTAssertEqual(try ExplainRequest(flaggedSubject(boxes: many), settings: settings).boxes.count, 3)
        let plain = try ExplainRequest(flaggedSubject(boxes: []), settings: settings)
        XCTAssertEqual(plain.attachments.map(\.name), ["original"])
        XCTAssertTrue(userContent(plain.body).text.contains("marked no particular region"))
    }

    func testResponseFormatAsksForTheSchemaWithTheRecipesDefectTypes() throws {
        let body = try ExplainRequest(flaggedSubject(), settings: settings).body
        XCTAssertEqual(body["response_format"]?["type"], "json_schema")
        let schema = body["response_format"]?["json_schema"]?["schema"]
        XCTAssertEqual(schema?["properties"]?["defect_type"]?["enum"], ["scratch", "dent", "other", "none"])
        XCTAssertEqual(schema?["required"], .array(AnswerSchema.fields.map { .string($0) }))
    }
}
