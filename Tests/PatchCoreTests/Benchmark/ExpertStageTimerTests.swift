import Imaging
import TestFixtures
import XCTest
@testable import PatchCore

/// The timer must run the very pipeline the appliance runs, or the bench times something else.
final class ExpertStageTimerTests: XCTestCase {
    func testEveryStageIsTimedAndTheScoreIsTheExpertsOwn() throws {
        let expert = try TinyExpert.shared.get()
        let jpeg = try JPEG.encode(TinyExpert.image(), quality: 90)
        let timer = try ExpertStageTimer(name: "tiny.eagle", expert: expert)
        XCTAssertEqual(timer.name, "tiny.eagle")
        XCTAssertEqual(timer.precision, .fp32)

        let frame = try timer.time(frame: jpeg)
        XCTAssertEqual(Set(frame.nanoseconds.keys), Set(BenchStage.measured))
        for (stage, ns) in frame.nanoseconds { XCTAssertGreaterThan(ns, 0, stage.rawValue) }
        XCTAssertEqual(frame.score, try expert.inspect(JPEG.decodeRGB(jpeg)).score)
    }

    func testACorruptFrameThrows() throws {
        let timer = try ExpertStageTimer(name: "tiny.eagle", expert: TinyExpert.shared.get())
        XCTAssertThrowsError(try timer.time(frame: [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]))
    }

    func testTheHarnessOnARealExpertGivesBothTurnsTheSameScores() throws {
        let expert = try TinyExpert.shared.get()
        let frames = try [0, 1].map { try JPEG.encode(TinyExpert.image(seed: $0), quality: 90) }
        let timers = try ["a.eagle", "b.eagle"].map { try ExpertStageTimer(name: $0, expert: expert) }
        let results = try BenchHarness(frames: 2, warmup: 1, pauseSeconds: 0)
            .measure(timers, frames: frames, threadCounts: [1], setThreadCount: { _ in })
        XCTAssertEqual(results.map(\.name), ["a.eagle", "b.eagle"])
        XCTAssertEqual(results[0].meanScore, results[1].meanScore)
        // Two rounds of an untimed and a timed frame: 0, 1, 0, 1, each scored.
        let scores = try frames.map { try expert.inspect(JPEG.decodeRGB($0)).score }
        XCTAssertEqual(results[0].meanScore, (scores[0] + scores[1]) / 2, accuracy: 1e-9)
        for stage in BenchStage.allCases { XCTAssertGreaterThan(results[0][stage].median, 0, stage.rawValue) }
        XCTAssertGreaterThanOrEqual(results[0][.frame].median, results[0][.expert].median)
    }
}
