import Imaging
import Inspection
import XCTest

@testable import Appliance

/// The queue's bound and drop policy: audit samples go first, then the oldest part.
final class ArchiveQueueTests: XCTestCase {
    private func item(_ id: Int64, _ verdict: Verdict, width: Int = 4) -> ArchiveItem {
        ArchiveItem(part: archivePart(id, verdict: verdict), frame: RGBImage(width: width, height: 4), heatmap: nil)
    }

    func testTheOldestAuditItemGoesFirstThenTheOldestItem() {
        var queue = ArchiveQueue(capacity: 3, byteLimit: .max)
        XCTAssertTrue(queue.push(item(1, .reject)).isEmpty)
        XCTAssertTrue(queue.push(item(2, .pass)).isEmpty)
        XCTAssertTrue(queue.push(item(3, .pass)).isEmpty)
        XCTAssertEqual(queue.push(item(4, .reject)).map(\.part.id.rawValue), [2], "the oldest audit sample")
        XCTAssertEqual(queue.push(item(5, .unsure)).map(\.part.id.rawValue), [3])
        XCTAssertEqual(queue.push(item(6, .reject)).map(\.part.id.rawValue), [1], "no audit sample left: the oldest part")
        XCTAssertEqual(queue.push(item(7, .pass)).map(\.part.id.rawValue), [7], "a new audit sample in a queue of rejects goes itself")
        XCTAssertEqual(queue.items.map(\.part.id.rawValue), [4, 5, 6])
        XCTAssertEqual(queue.pop()?.part.id.rawValue, 4)
        XCTAssertEqual(queue.count, 2)
    }

    func testTheByteLimitBoundsTheFramesHeld() {
        let one = item(1, .reject).bytes
        var queue = ArchiveQueue(capacity: 100, byteLimit: 2 * one)
        XCTAssertTrue(queue.push(item(1, .reject)).isEmpty)
        XCTAssertTrue(queue.push(item(2, .reject)).isEmpty)
        XCTAssertEqual(queue.push(item(3, .reject)).map(\.part.id.rawValue), [1])
        XCTAssertEqual(queue.bytes, 2 * one)
        var small = ArchiveQueue(capacity: 100, byteLimit: 1)
        XCTAssertTrue(small.push(item(1, .reject, width: 64)).isEmpty, "one item is held whatever its size")
        XCTAssertEqual(small.removeAll().count, 1)
        XCTAssertEqual(small.bytes, 0)
    }
}
