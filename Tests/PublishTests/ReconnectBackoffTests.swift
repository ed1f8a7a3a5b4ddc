import Publish
import SeededRandom
import XCTest

final class ReconnectBackoffTests: XCTestCase {
    func testCeilingDoublesFromBaseUpToTheCap() {
        let backoff = ReconnectBackoff(base: 0.5, cap: 30, minimum: 0.1)
        XCTAssertEqual((0...8).map { backoff.ceiling(afterFailures: $0) }, [0.5, 1, 2, 4, 8, 16, 30, 30, 30])
        XCTAssertEqual(backoff.ceiling(afterFailures: 10_000), 30, "a broker away for days must not overflow the exponent")
    }

    /// Full jitter: every delay lies between the minimum and the ceiling, and they spread over
    /// that whole range rather than clustering (stations must not reconnect in lock step).
    func testDelaysAreFullJitterWithinBounds() {
        let backoff = ReconnectBackoff(base: 0.5, cap: 30, minimum: 0.1)
        var random = SplitMix64(seed: 7)
        for failures in 0..<12 {
            let ceiling = backoff.ceiling(afterFailures: failures)
            let delays = (0..<2000).map { _ in backoff.delay(afterFailures: failures, using: &random) }
            XCTAssertGreaterThanOrEqual(delays.min() ?? -1, 0.1)
            XCTAssertLessThanOrEqual(delays.max() ?? .infinity, ceiling)
            let span = ceiling - 0.1
            XCTAssertLessThan(delays.min()! - 0.1, span * 0.05, "after \(failures) failures the delays reach down to the minimum")
            XCTAssertGreaterThan(delays.max()!, ceiling - span * 0.05, "after \(failures) failures the delays reach up to the ceiling")
            let mean = delays.reduce(0, +) / Double(delays.count)
            XCTAssertEqual(mean, 0.1 + span / 2, accuracy: span * 0.05, "uniform over the range")
        }
    }

    func testSameSeedSameDelays() {
        let backoff = ReconnectBackoff()
        var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42)
        let a = (0..<20).map { backoff.delay(afterFailures: $0, using: &first) }
        let b = (0..<20).map { backoff.delay(afterFailures: $0, using: &second) }
        XCTAssertEqual(a, b)
    }

    func testAMinimumAboveTheCeilingIsTheDelay() {
        let backoff = ReconnectBackoff(base: 0.01, cap: 0.05, minimum: 0.2)
        var random = SplitMix64(seed: 1)
        XCTAssertEqual(backoff.delay(afterFailures: 3, using: &random), 0.2)
    }
}
