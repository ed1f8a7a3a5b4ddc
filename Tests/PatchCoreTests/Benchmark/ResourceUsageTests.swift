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

    func testResidentNowAndCPUTime() throws {
        XCTAssertEqual(ResourceUsage.mebibytes("VmRSS", status: "VmHWM:\t 2048 kB\nVmRSS:\t 1024 kB\n"), 1)
        let before = ResourceUsage.cpuSeconds()
        var x = 0.0
        for i in 0..<2_000_000 { x += Double(i).squareRoot() }
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThan(ResourceUsage.cpuSeconds(), before, "the loop above used CPU time")
    }

    func testThisProcessHasAPeak() throws {
        #if os(Linux)
        XCTAssertGreaterThan(try XCTUnwrap(ResourceUsage.peakResidentMiB()), 1)
        XCTAssertLessThanOrEqual(try XCTUnwrap(ResourceUsage.residentMiB()), try XCTUnwrap(ResourceUsage.peakResidentMiB()))
        let both = ResourceUsage.residentAndPeakMiB()
        XCTAssertLessThanOrEqual(try XCTUnwrap(both.resident), try XCTUnwrap(both.peak))
        #else
        throw XCTSkip("no /proc")
        #endif
    }
}
