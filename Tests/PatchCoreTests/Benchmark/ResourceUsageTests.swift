import XCTest
@testable import PatchCore

final class ResourceUsageTests: XCTestCase {
    func testPeakResidentMemoryIsVmHWMInMiB() {
        let status = "Name:\teagle-edge\nVmPeak:\t  812345 kB\nVmHWM:\t   67584 kB\nVmRSS:\t   60000 kB\n"
        XCTAssertEqual(ResourceUsage.peakResidentMiB(status: status), 66)
        XCTAssertEqual(ResourceUsage.peakResidentMiB(status: "VmHWM:\t67584 kB\n"), 66, "a tab alone separates the value too")
    }

    func testAMissingOrGarbledLineIsUnknown() {
        XCTAssertNil(ResourceUsage.peakResidentMiB(status: "Name:\tx\nVmRSS:\t 100 kB\n"))
        XCTAssertNil(ResourceUsage.peakResidentMiB(status: "VmHWM:\t lots kB\n"))
        XCTAssertNil(ResourceUsage.peakResidentMiB(status: ""))
    }

    func testThisProcessHasAPeak() throws {
        #if os(Linux)
        XCTAssertGreaterThan(try XCTUnwrap(ResourceUsage.peakResidentMiB()), 1)
        #else
        throw XCTSkip("no /proc")
        #endif
    }
}
