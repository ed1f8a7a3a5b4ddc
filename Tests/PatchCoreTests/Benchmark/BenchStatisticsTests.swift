import XCTest
@testable import PatchCore

final class BenchStatisticsTests: XCTestCase {
    private let millisecond: UInt64 = 1_000_000

    func testNearestRankPercentilesOfAHundredSamplesInAnyOrder() {
        let samples = (1...100).map { UInt64($0) * millisecond }
        for order in [samples, samples.reversed(), samples.shuffled()] {
            let s = BenchStatistics(nanoseconds: order)
            XCTAssertEqual(s.median, 50)
            XCTAssertEqual(s.p90, 90)
            XCTAssertEqual(s.p99, 99)
            XCTAssertEqual(s.mean, 50.5, accuracy: 1e-9)
        }
    }

    func testEveryFigureIsAMeasuredTime() {
        // Ranks ceil(p n): median 2nd, p90 and p99 3rd of three; no interpolation between them.
        let s = BenchStatistics(nanoseconds: [7 * millisecond, 1 * millisecond, 3 * millisecond])
        XCTAssertEqual([s.median, s.p90, s.p99], [3, 7, 7])
        XCTAssertEqual(s.mean, 11.0 / 3, accuracy: 1e-12)
        let ten = BenchStatistics(nanoseconds: (1...10).map { UInt64($0) * millisecond })
        XCTAssertEqual([ten.median, ten.p90, ten.p99], [5, 9, 10])
    }

    func testNanosecondsBecomeMilliseconds() {
        let s = BenchStatistics(nanoseconds: [1_500])
        XCTAssertEqual([s.median, s.p90, s.p99, s.mean], [0.0015, 0.0015, 0.0015, 0.0015])
    }

    func testNoSamplesGiveZeros() {
        let s = BenchStatistics(nanoseconds: [])
        XCTAssertEqual([s.median, s.p90, s.p99, s.mean], [0, 0, 0, 0])
    }
}
