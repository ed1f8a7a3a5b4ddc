import Publish
import XCTest

final class StationTopicsTests: XCTestCase {
    func testTopicsSitUnderPrefixLineAndStation() {
        let topics = StationTopics(prefix: "plant/eagle-edge", line: "bottles-3", station: "7")
        XCTAssertEqual(topics.root, "plant/eagle-edge/bottles-3/7")
        XCTAssertEqual(topics.status, "plant/eagle-edge/bottles-3/7/status")
        XCTAssertEqual(topics.result, "plant/eagle-edge/bottles-3/7/result")
        XCTAssertEqual(topics.event, "plant/eagle-edge/bottles-3/7/event")
        XCTAssertEqual(topics.explanation, "plant/eagle-edge/bottles-3/7/explanation")
        XCTAssertEqual(topics.wildcard, "plant/eagle-edge/bottles-3/7/#")
    }
}
