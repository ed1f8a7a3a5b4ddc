import Actuate
import Inspection
import XCTest

/// Matching frames to photo-eye parts: each part's frame is the first captured at or after its
/// edge plus the offset, within the window; frames between parts belong to none; a part whose
/// window closed without a frame is given up (not inspected).
final class PhotoEyePartsTests: XCTestCase {
    private let ms: UInt64 = 1_000_000

    private func parts(offsetMs: UInt64 = 20, windowMs: UInt64 = 40) -> PhotoEyeParts {
        PhotoEyeParts(offsetNanoseconds: offsetMs * ms, windowNanoseconds: windowMs * ms)
    }

    private func pending(_ id: Int64, at time: UInt64) -> PhotoEyeParts.Pending {
        PhotoEyeParts.Pending(id: PartID(rawValue: id), edgeTime: time)
    }

    func testEachPartTakesTheFirstFrameAtOrAfterItsEdgePlusTheOffset() {
        var queue = parts()
        XCTAssertNil(queue.add(pending(1, at: 1000 * ms)))
        XCTAssertNil(queue.add(pending(2, at: 1200 * ms)))
        XCTAssertNil(queue.claim(frameTime: 1010 * ms).part, "before part 1's window: a frame between parts")
        XCTAssertEqual(queue.claim(frameTime: 1020 * ms).part?.id, PartID(rawValue: 1), "at edge + offset exactly")
        XCTAssertNil(queue.claim(frameTime: 1053 * ms).part, "part 1 has its frame; part 2's window is later")
        XCTAssertEqual(queue.claim(frameTime: 1233 * ms).part?.id, PartID(rawValue: 2))
        XCTAssertEqual(queue.waiting, 0)
    }

    func testAPartWhoseWindowClosedWithoutAFrameIsGivenUp() {
        var queue = parts()
        _ = queue.add(pending(1, at: 1000 * ms))
        _ = queue.add(pending(2, at: 1100 * ms))
        // The camera stalled: the next frame is past part 1's window (1020...1060 ms), in part 2's.
        let (part, missed) = queue.claim(frameTime: 1125 * ms)
        XCTAssertEqual(missed.map(\.id), [PartID(rawValue: 1)])
        XCTAssertEqual(part?.id, PartID(rawValue: 2))
    }

    func testPartsExpireWhenNoFrameComesAtAll() {
        var queue = parts()
        _ = queue.add(pending(1, at: 1000 * ms))
        _ = queue.add(pending(2, at: 1500 * ms))
        XCTAssertTrue(queue.expire(now: 1100 * ms, grace: 100 * ms).isEmpty, "a frame of part 1 could still be on its way")
        XCTAssertEqual(queue.expire(now: 1161 * ms, grace: 100 * ms).map(\.id), [PartID(rawValue: 1)])
        XCTAssertEqual(queue.waiting, 1)
    }

    func testAFullQueueGivesUpTheOldestPart() {
        var queue = PhotoEyeParts(offsetNanoseconds: 0, windowNanoseconds: ms, capacity: 2)
        XCTAssertNil(queue.add(pending(1, at: 1)))
        XCTAssertNil(queue.add(pending(2, at: 2)))
        XCTAssertEqual(queue.add(pending(3, at: 3))?.id, PartID(rawValue: 1))
    }
}
