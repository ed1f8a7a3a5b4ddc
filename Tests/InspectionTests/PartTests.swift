import Foundation
import Inspection
import XCTest

final class PartTests: XCTestCase {
    private func sample() -> Part {
        Part(id: PartID(rawValue: 41), frame: FrameStamp(sequence: 7, monotonicNanoseconds: 123_456_789_000),
             decidedAt: Date(timeIntervalSince1970: 1_780_000_000.25), recipe: "demo", modelID: "sha256:ab12",
             score: 3.5, normalizedScore: 0.81, verdict: .reject, reason: .aboveThreshold, action: .reject,
             boxes: [SuspectBox(x: 10, y: 20, width: 30, height: 40, score: 0.9)],
             timings: StageTimings(waitMs: 0.4, decodeMs: 1.5, preprocessMs: 1.2, expertMs: 4.1, totalMs: 7.3),
             images: ArchivedImages(frame: "2026/12/05/41.jpg", overlay: "2026/12/05/41-overlay.jpg"))
    }

    func testJSONUsesSnakeCaseKeysAndRoundTrips() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(sample())
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["part_id", "frame", "decided_at", "recipe", "model_id", "score",
                                          "normalized_score", "verdict", "reason", "action", "boxes", "timings", "images"])
        XCTAssertEqual(object["part_id"] as? Int, 41)
        XCTAssertEqual(object["reason"] as? String, "above_threshold")
        XCTAssertEqual((object["frame"] as? [String: Any])?["monotonic_ns"] as? Int, 123_456_789_000)
        XCTAssertEqual((object["timings"] as? [String: Any])?["total_ms"] as? Double, 7.3)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var expected = sample()
        expected.decidedAt = Date(timeIntervalSince1970: 1_780_000_000) // ISO 8601 keeps whole seconds
        XCTAssertEqual(try decoder.decode(Part.self, from: data), expected)
    }

    func testAPartNotInspectedHasNoScoreAndSaysWhy() throws {
        let outcome = DecisionRule().notInspected(because: .cameraLost)
        let part = Part(id: PartID(rawValue: 1), frame: nil, decidedAt: Date(), recipe: "demo", modelID: nil,
                        score: nil, normalizedScore: nil, verdict: outcome.verdict, reason: outcome.reason, action: outcome.action)
        XCTAssertFalse(part.isInspected)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(part)) as? [String: Any])
        XCTAssertEqual(object["reason"] as? String, "camera_lost")
        XCTAssertEqual(object["action"] as? String, "reject")
        XCTAssertNil(object["verdict"], "no verdict key when the expert did not decide")
    }

    func testIdsIncrease() {
        XCTAssertLessThan(PartID(rawValue: 9), PartID(rawValue: 9).next)
        XCTAssertEqual(PartID(rawValue: 9).next.description, "10")
    }
}
