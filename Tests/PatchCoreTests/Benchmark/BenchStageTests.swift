import XCTest
@testable import PatchCore

final class BenchStageTests: XCTestCase {
    func testTheReportsNameTheStagesInFrameOrder() {
        XCTAssertEqual(BenchStage.allCases.map(\.rawValue),
                       ["decode", "resize+crop", "backbone", "features", "search", "map+blur", "expert", "frame"])
    }

    func testTheExpertIsWhatFollowsTheCropAndTheFrameIsEverything() {
        let frame = TimedFrame(nanoseconds: [.decode: 1, .resizeCrop: 10, .backbone: 100, .features: 1_000, .search: 10_000, .mapBlur: 100_000],
                               score: 0)
        XCTAssertEqual(frame.nanoseconds(of: .expert), 111_100)
        XCTAssertEqual(frame.nanoseconds(of: .frame), 111_111)
        XCTAssertEqual(frame.nanoseconds(of: .search), 10_000)
        XCTAssertEqual(TimedFrame(nanoseconds: [.decode: 5], score: 0).nanoseconds(of: .frame), 5, "a stage not reported counts as zero")
    }
}
