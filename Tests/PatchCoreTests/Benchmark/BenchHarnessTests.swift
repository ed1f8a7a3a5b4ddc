import XCTest
@testable import PatchCore

/// A subject that takes no time at all: it reports a decode time that grows by a millisecond a
/// call (so the statistics show which calls were timed) and fixed times for the other stages,
/// scores each frame by its first byte and logs what it was given.
private final class FakeSubject: BenchSubject {
    let name: String
    let precision: Precision
    let log: EventLog
    private(set) var calls = 0
    var failAtCall: Int?

    init(_ name: String, precision: Precision = .int8, log: EventLog) {
        self.name = name
        self.precision = precision
        self.log = log
    }

    func time(frame jpeg: [UInt8]) throws -> TimedFrame {
        calls += 1
        log.events.append("\(name) \(jpeg[0])")
        if calls == failAtCall { throw FakeFailure() }
        let ms: UInt64 = 1_000_000
        return TimedFrame(nanoseconds: [.decode: UInt64(calls) * ms, .resizeCrop: ms / 2, .backbone: 2 * ms, .features: ms,
                                        .search: 3 * ms, .mapBlur: 4 * ms],
                          score: Double(jpeg[0]))
    }
}

private final class EventLog {
    var events: [String] = []
}

private struct FakeFailure: Error, CustomStringConvertible {
    var description: String { "corrupt frame" }
}

final class BenchHarnessTests: XCTestCase {
    private let frames: [[UInt8]] = [[10], [20], [30]]

    func testWarmUpAndReheatFramesAreRunButNotTimed() throws {
        let log = EventLog()
        let subject = FakeSubject("a.eagle", log: log)
        // 6 timed frames in 4 rounds: 2, 2, 1, 1; untimed 3 in the first round, 2 in the others.
        let results = try BenchHarness(frames: 6, warmup: 3, pauseSeconds: 0)
            .measure([subject], frames: frames, threadCounts: [1], setThreadCount: { _ in })
        XCTAssertEqual(subject.calls, 3 + 2 + 2 + 2 + 2 + 1 + 2 + 1)
        let result = try XCTUnwrap(results.first)
        // Timed calls: 4, 5 | 8, 9 | 12 | 15.
        let decode = result[.decode]
        XCTAssertEqual([decode.median, decode.p90, decode.p99], [8, 15, 15])
        XCTAssertEqual(decode.mean, 53.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(result[.expert].median, 10)
        XCTAssertEqual(result[.frame].mean, 53.0 / 6 + 10.5, accuracy: 1e-9)
        XCTAssertEqual(Set(result.stages.keys), Set(BenchStage.allCases))
        // Every frame scored, untimed ones too: 15 calls cycle 5 times through 10, 20, 30.
        XCTAssertEqual(result.meanScore, 20)
    }

    func testSubjectsTakeTurnsAndEachCarriesOnThroughTheFrames() throws {
        let log = EventLog()
        let a = FakeSubject("a", log: log), b = FakeSubject("b", log: log)
        _ = try BenchHarness(frames: 4, warmup: 1, rounds: 2, pauseSeconds: 0)
            .measure([a, b], frames: frames + [[40]], threadCounts: [1], setThreadCount: { _ in })
        // Round 1: 1 warm-up + 2 timed each; round 2: 1 reheat (capped by the warm-up) + 2 timed.
        XCTAssertEqual(log.events, [
            "a 10", "a 20", "a 30", "b 10", "b 20", "b 30",
            "a 40", "a 10", "a 20", "b 40", "b 10", "b 20",
        ])
    }

    func testEveryThreadCountIsSetBeforeItsTurnsAndLabelsItsResults() throws {
        let log = EventLog()
        let a = FakeSubject("a", precision: .fp32, log: log), b = FakeSubject("b", log: log)
        let results = try BenchHarness(frames: 1, warmup: 0, pauseSeconds: 0)
            .measure([a, b], frames: frames, threadCounts: [3, 1], setThreadCount: { log.events.append("threads \($0)") })
        // Each thread count starts from the first frame again.
        XCTAssertEqual(log.events, ["threads 3", "a 10", "b 10", "threads 1", "a 10", "b 10"])
        XCTAssertEqual(results.map(\.name), ["a", "b", "a", "b"])
        XCTAssertEqual(results.map(\.threads), [3, 3, 1, 1])
        XCTAssertEqual(results.map(\.precision), [.fp32, .int8, .fp32, .int8])
    }

    func testFewerFramesThanRoundsMeansFewerRounds() throws {
        let log = EventLog()
        let subject = FakeSubject("a", log: log)
        let results = try BenchHarness(frames: 2, warmup: 0, rounds: 4, pauseSeconds: 0)
            .measure([subject], frames: frames, threadCounts: [1], setThreadCount: { _ in })
        XCTAssertEqual(subject.calls, 2)
        XCTAssertEqual(results.first?[.decode].p99, 2)
    }

    func testAFailingFrameNamesItsSubject() {
        let log = EventLog()
        let good = FakeSubject("good.eagle", log: log), bad = FakeSubject("bad.eagle", log: log)
        bad.failAtCall = 2
        XCTAssertThrowsError(try BenchHarness(frames: 4, warmup: 0, pauseSeconds: 0)
            .measure([good, bad], frames: frames, threadCounts: [1], setThreadCount: { _ in })) { error in
            XCTAssertEqual("\(error)", "bad.eagle: corrupt frame")
        }
    }

    func testNoFramesOrANegativeWarmUpIsRefusedBeforeAnyFrameRuns() {
        let log = EventLog()
        let subject = FakeSubject("a", log: log)
        XCTAssertThrowsError(try BenchHarness(frames: 1, warmup: 0, pauseSeconds: 0)
            .measure([subject], frames: [], threadCounts: [1], setThreadCount: { _ in }))
        XCTAssertThrowsError(try BenchHarness(frames: 1, warmup: -1, pauseSeconds: 0)
            .measure([subject], frames: frames, threadCounts: [1], setThreadCount: { _ in }))
        XCTAssertThrowsError(try BenchHarness(frames: 0, warmup: 0, pauseSeconds: 0)
            .measure([subject], frames: frames, threadCounts: [1], setThreadCount: { _ in }))
        XCTAssertEqual(subject.calls, 0)
    }
}
