import Foundation
import Glibc
import XCTest
@testable import EagleLog

/// Collects lines in memory.
final class MemorySink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    func write(line: String) { lock.lock(); stored.append(line); lock.unlock() }
}

final class LoggerTests: XCTestCase {
    func testJournaldLinesCarryThePriorityPrefixAndFields() {
        let sink = MemorySink()
        let log = Logger(label: "camera", minimumLevel: .debug, format: .journald, sink: sink)
        log.warning("camera lost", ["device": "/dev/video0", "errno": "19"])
        log.error("frame dropped")
        log.debug("dq")
        XCTAssertEqual(sink.lines, [
            "<4>camera: camera lost device=/dev/video0 errno=19",
            "<3>camera: frame dropped",
            "<7>camera: dq",
        ])
    }

    func testRecordsBelowTheMinimumAreDroppedWithoutBuildingTheMessage() {
        let sink = MemorySink()
        let log = Logger(label: "expert", minimumLevel: .notice, format: .journald, sink: sink)
        var built = false
        log.info({ built = true; return "teach" }())
        log.notice("threshold set")
        XCTAssertFalse(built)
        XCTAssertEqual(sink.lines, ["<5>expert: threshold set"])
    }

    func testValuesAreQuotedAndNewlinesNeverSplitALine() {
        let sink = MemorySink()
        let log = Logger(label: "mllm", format: .journald, sink: sink)
        log.error("bad answer\nfrom model", ["reason": "said \"hello\"\nthen=stopped", "empty": ""])
        XCTAssertEqual(sink.lines.count, 1)
        XCTAssertEqual(sink.lines[0], #"<3>mllm: bad answer\nfrom model reason="said \"hello\"\nthen=stopped" empty="""#)
    }

    func testPlainFormatHasAUTCTimestampAndLevelName() throws {
        let sink = MemorySink()
        Logger(label: "mqtt", format: .plain, sink: sink).info("connected", ["broker": "127.0.0.1:1883"])
        let line = try XCTUnwrap(sink.lines.first)
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info mqtt: connected broker=127\.0\.0\.1:1883$"#
        XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), line)
        var t = timespec(tv_sec: 1_795_305_600, tv_nsec: 42_000_000) // 2026-11-22T00:00:00Z
        XCTAssertEqual(LogLine.iso8601(t), "2026-11-22T00:00:00.042Z")
        t.tv_sec += 3661
        XCTAssertEqual(LogLine.iso8601(t), "2026-11-22T01:01:01.042Z")
    }

    func testLevelsOrderBySeverity() {
        XCTAssertLessThan(LogLevel.debug, LogLevel.info)
        XCTAssertLessThan(LogLevel.warning, LogLevel.critical)
        XCTAssertEqual(LogLevel.allCases.map(\.syslogPriority), [7, 6, 5, 4, 3, 2])
    }
}
