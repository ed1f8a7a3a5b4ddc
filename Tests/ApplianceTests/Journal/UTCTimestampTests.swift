import Foundation
import XCTest

@testable import Appliance

final class UTCTimestampTests: XCTestCase {
    func testFormatIsFixedWidthUTCWithMilliseconds() {
        XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: 1_796_127_600.25)), "2026-12-01T12:20:00.250Z")
        XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: 1.0004)), "1970-01-01T00:00:01.000Z")
        XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: 1.9996)), "1970-01-01T00:00:02.000Z")
        XCTAssertEqual(UTCTimestamp.string(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
    }

    func testStoredTimesReadBackExactly() {
        for ms in [Int64(0), 1, 1_001, 1_796_000_000_001, 1_796_000_000_999, 4_102_444_799_999] {
            let date = UTCTimestamp.date(milliseconds: ms)
            XCTAssertEqual(UTCTimestamp.milliseconds(date), ms)
            XCTAssertEqual(UTCTimestamp.parse(UTCTimestamp.string(date)), date, "\(ms)")
        }
    }

    func testParseAcceptsUTCFormsAndNothingElse() {
        let time = Date(timeIntervalSince1970: 1_796_131_200)
        XCTAssertEqual(UTCTimestamp.parse("2026-12-01T13:20:00Z"), time)
        XCTAssertEqual(UTCTimestamp.parse("2026-12-01T13:20Z"), time)
        XCTAssertEqual(UTCTimestamp.parse("2026-12-01T13:20:00.5Z"), time.addingTimeInterval(0.5))
        XCTAssertEqual(UTCTimestamp.parse("2026-12-01T13:20:00.123456789Z")?.timeIntervalSince1970 ?? 0,
                       time.timeIntervalSince1970 + 0.123456789, accuracy: 1e-6)
        XCTAssertEqual(UTCTimestamp.parse("2026-12-01"), Date(timeIntervalSince1970: 1_796_083_200))
        for bad in ["", "2026-12-01T13:20:00", "2026-12-01T13:20:00+01:00", "2026-02-30", "2026-13-01", "2026-12-01T24:00Z",
                    "2026-12-01 13:20:00Z", "2026-12-01T13:20:00.Z", "10m", "2026-12-01T13:20:00Zjunk"] {
            XCTAssertNil(UTCTimestamp.parse(bad), bad)
        }
    }
}
