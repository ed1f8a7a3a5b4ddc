import Explain
import XCTest

final class CircuitBreakerTests: XCTestCase {
    let second: UInt64 = 1_000_000_000

    func testOpensAfterTheThresholdAndProbesAfterThePause() {
        var breaker = CircuitBreaker(failureThreshold: 3, pauseSeconds: 10, maxPauseSeconds: 40)
        XCTAssertFalse(breaker.failed(now: 1 * second))
        XCTAssertFalse(breaker.failed(now: 2 * second))
        XCTAssertTrue(breaker.failed(now: 3 * second))
        XCTAssertEqual(breaker.permit(now: 5 * second), .refused(until: 13 * second))
        XCTAssertEqual(breaker.permit(now: 13 * second), .probe)
        XCTAssertEqual(breaker.permit(now: 13 * second), .refused(until: nil), "one probe at a time")
        breaker.succeeded()
        XCTAssertEqual(breaker.permit(now: 14 * second), .call)
    }

    func testFailedProbeDoublesThePauseUpToTheCap() {
        var breaker = CircuitBreaker(failureThreshold: 1, pauseSeconds: 10, maxPauseSeconds: 25)
        breaker.failed(now: 0)
        XCTAssertEqual(breaker.permit(now: 10 * second), .probe)
        breaker.failed(now: 10 * second)
        XCTAssertEqual(breaker.state, .open(until: 30 * second))
        XCTAssertEqual(breaker.permit(now: 30 * second), .probe)
        breaker.failed(now: 30 * second)
        XCTAssertEqual(breaker.state, .open(until: 55 * second))
    }

    func testQuotaRetryAfterOpensAtOnceForItsLength() {
        var breaker = CircuitBreaker(failureThreshold: 5, pauseSeconds: 10)
        XCTAssertTrue(breaker.failed(now: 0, pauseAtLeast: 120 * second, forceOpen: true))
        XCTAssertEqual(breaker.permit(now: 60 * second), .refused(until: 120 * second))
    }

    func testBackoffIsFullJitterUnderAnExponentialCap() {
        let backoff = Backoff(base: 0.5, cap: 4)
        XCTAssertEqual((0..<5).map { backoff.window(attempt: $0) }, [0.5, 1, 2, 4, 4])
        XCTAssertEqual(backoff.delay(attempt: 2, random: { 0.25 }), 0.5)
        XCTAssertEqual(backoff.delay(attempt: 2, random: { 0 }), 0)
    }
}
