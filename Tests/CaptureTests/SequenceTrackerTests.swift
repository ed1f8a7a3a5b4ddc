import XCTest
@testable import Capture

final class SequenceTrackerTests: XCTestCase {
    func testGapsWrapRestartsAndTheFirstFrame() {
        var tracker = SequenceTracker()
        XCTAssertEqual(tracker.record(1000), 0, "the first frame sets the baseline, wherever it starts")
        XCTAssertEqual(tracker.record(1001), 0)
        XCTAssertEqual(tracker.record(1005), 3)
        XCTAssertEqual(tracker.record(UInt32.max - 1), 0, "a jump of more than half the range is a restart")
        XCTAssertEqual(tracker.record(UInt32.max), 0)
        XCTAssertEqual(tracker.record(0), 0, "wrap without loss")
        XCTAssertEqual(tracker.record(3), 2)
        tracker = SequenceTracker()
        XCTAssertEqual(tracker.record(UInt32.max - 2), 0)
        XCTAssertEqual(tracker.record(1), 3, "UInt32.max-1, UInt32.max and 0 were lost across the wrap")
        XCTAssertEqual(tracker.record(1), 0, "a repeat is not a loss")
        XCTAssertEqual(tracker.record(0), 0, "a step back is a restarted counter")
        XCTAssertEqual(tracker.record(2), 1)
        tracker.reset()
        XCTAssertEqual(tracker.record(500), 0, "after a reopen the next frame is a first frame again")
    }
}
