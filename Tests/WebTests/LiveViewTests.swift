import Foundation
import Imaging
import Inspection
import TestFixtures
import Web
import XCTest

/// The live view's cost is bounded by its rate, not by its viewers: one encoding serves every
/// request until the line posts a newer frame and the interval has passed.
final class LiveViewTests: XCTestCase {
    private func frame(seed: Int, boxes: [SuspectBox] = []) throws -> LiveFrame {
        let part = Part(id: PartID(rawValue: Int64(seed)), frame: nil, decidedAt: Date(), recipe: "tiny", modelID: nil, score: 2,
                        normalizedScore: 0.9, verdict: .reject, reason: .aboveThreshold, action: .reject, boxes: boxes)
        return LiveFrame(part: part, image: try TinyExpert.image(seed: seed))
    }

    func testViewersShareOneEncodingPerInterval() throws {
        let slot = LatestSlot<LiveFrame>()
        // One frame per 100 s: nothing in this test is slow enough to reach a second one.
        let view = LiveView(slot: slot, framesPerSecond: 0.01)
        XCTAssertNil(try view.jpeg(), "nothing before the line's first frame")
        slot.post(try frame(seed: 0))
        let first = try XCTUnwrap(try view.jpeg())
        for _ in 0..<20 { XCTAssertEqual(try view.jpeg(), first) }
        slot.post(try frame(seed: 1))
        XCTAssertEqual(try view.jpeg(), first, "a newer frame waits for the interval")
        XCTAssertEqual(view.encodings, 1)
    }

    func testANewerFrameIsEncodedOnceTheIntervalHasPassed() throws {
        let slot = LatestSlot<LiveFrame>()
        let view = LiveView(slot: slot, framesPerSecond: 1000)
        slot.post(try frame(seed: 0))
        let first = try XCTUnwrap(try view.jpeg())
        XCTAssertEqual(try view.jpeg(), first, "the same frame is not encoded twice")
        Thread.sleep(forTimeInterval: 0.01)
        slot.post(try frame(seed: 3))
        XCTAssertNotEqual(try view.jpeg(), first)
        XCTAssertEqual(view.encodings, 2)
    }

    func testTheBoxesAreDrawnInRed() throws {
        let drawn = try frame(seed: 0, boxes: [SuspectBox(x: 10, y: 20, width: 30, height: 20, score: 0.9)]).rendered()
        let edge = (20 * drawn.width + 20) * 3
        XCTAssertEqual(Array(drawn.pixels[edge..<(edge + 3)]), [255, 0, 0], "the box's top edge")
    }
}
