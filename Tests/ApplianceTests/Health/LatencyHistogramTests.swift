import SeededRandom
import XCTest
@testable import Appliance

final class LatencyHistogramTests: XCTestCase {
    func testPercentilesAreWithinOnePercentOfTheExactOnes() {
        var rng = SplitMix64(seed: 11)
        var histogram = LatencyHistogram()
        var values: [Double] = []
        for _ in 0..<20_000 {
            let value = exp(Double(rng.nextGaussian()) * 0.6 + 2.3) // log-normal around 10 ms
            values.append(value)
            histogram.record(value)
        }
        values.sort()
        for fraction in [0.5, 0.9, 0.99, 0.999] {
            let exact = values[Int((fraction * Double(values.count)).rounded(.up)) - 1]
            let read = try! XCTUnwrap(histogram.percentile(fraction))
            XCTAssertEqual(read, exact, accuracy: exact * 0.0101, "p\(fraction * 100)")
            XCTAssertGreaterThanOrEqual(read, exact, "a bucket's upper bound: never optimistic")
        }
        XCTAssertEqual(histogram.percentile(1), values.last)
        XCTAssertEqual(histogram.minimum, values.first)
        XCTAssertEqual(histogram.count, 20_000)
        XCTAssertEqual(histogram.mean!, values.reduce(0, +) / 20_000, accuracy: 1e-9)
    }

    func testExtremesAndEmpty() {
        var histogram = LatencyHistogram()
        XCTAssertNil(histogram.percentile(0.5))
        for value in [0.0, 0.001, -3, .infinity, 1e9] { histogram.record(value) }
        XCTAssertEqual(histogram.count, 5)
        XCTAssertEqual(histogram.minimum, 0)
        XCTAssertEqual(histogram.maximum, 1e9)
        XCTAssertEqual(histogram.percentile(0.2), LatencyHistogram.floorMs, "values below the first bucket read as its bound")
    }

    func testMergeEqualsRecordingBoth() {
        var a = LatencyHistogram(), b = LatencyHistogram(), both = LatencyHistogram()
        for value in stride(from: 0.5, to: 50, by: 0.7) { a.record(value); both.record(value) }
        for value in stride(from: 3.0, to: 300, by: 2.9) { b.record(value); both.record(value) }
        a.merge(b)
        XCTAssertEqual(a.count, both.count)
        XCTAssertEqual(a.minimum, both.minimum)
        XCTAssertEqual(a.maximum, both.maximum)
        XCTAssertEqual(a.sum, both.sum, accuracy: 1e-9 * both.sum, "the same values added in another order")
        for fraction in stride(from: 0.0, through: 1, by: 0.01) {
            XCTAssertEqual(a.percentile(fraction), both.percentile(fraction))
        }
    }
}
