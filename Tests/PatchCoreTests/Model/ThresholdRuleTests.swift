import Foundation
import SeededRandom
import XCTest
@testable import PatchCore

final class ThresholdRuleTests: XCTestCase {
    func testSigmasIsMeanPlusKStandardDeviations() {
        let c = Calibration(heldOutScores: [4, 5, 6], rule: .sigmas(3))
        XCTAssertEqual(c.threshold, 8, accuracy: 1e-12)
        XCTAssertEqual(c, Calibration(heldOutScores: [6, 4, 5], sigmas: 3))
    }

    func testQuantileInterpolatesBetweenOrderStatistics() {
        // 0...100: the 99th percentile of 101 evenly spaced scores is 99, the 97.5th is 97.5.
        let scores = (0...100).map(Float.init)
        XCTAssertEqual(Calibration(heldOutScores: scores, rule: .quantile(falseRejectTarget: 0.01)).threshold, 99, accuracy: 1e-9)
        XCTAssertEqual(Calibration(heldOutScores: scores, rule: .quantile(falseRejectTarget: 0.025)).threshold, 97.5, accuracy: 1e-9)
    }

    /// Scores drawn from a known distribution: the fitted tail's quantiles land near the true ones,
    /// including one past the largest score, where the empirical quantile cannot reach.
    func testTheParetoTailRecoversAnExponentialTail() {
        var random = SplitMix64(seed: 11)
        // Exponential with mean 1 (a Pareto tail of shape 0): P(X > x) = exp(-x).
        let scores = (0..<2000).map { _ in Float(-log(max(Double(random.next() >> 11) / Double(1 << 53), 1e-300))) }
        let tail = ParetoTail(ascending: scores.sorted(), tailShare: 0.2)
        XCTAssertNotNil(tail)
        XCTAssertEqual(tail?.shape ?? 9, 0, accuracy: 0.15)
        for p in [0.01, 0.001, 0.0001] {
            let threshold = Calibration(heldOutScores: scores, rule: .paretoTail(falseRejectTarget: p)).threshold
            XCTAssertEqual(threshold, -log(p), accuracy: 0.12 * -log(p), "exceeded with probability \(p)")
        }
    }

    /// A bounded tail (uniform: shape -1) keeps the threshold at its end, however rare the event
    /// asked for; a heavy one (shape 0.4) is recognised as such.
    func testTheShapeFollowsTheTail() throws {
        var random = SplitMix64(seed: 5)
        func uniform() -> Double { max(Double(random.next() >> 11) / Double(1 << 53), 1e-300) }
        let light = (0..<2000).map { _ in Float(uniform()) }
        let heavy = (0..<2000).map { _ in Float((pow(uniform(), -0.4) - 1) / 0.4) }
        let lightTail = try XCTUnwrap(ParetoTail(ascending: light.sorted(), tailShare: 0.2))
        let heavyTail = try XCTUnwrap(ParetoTail(ascending: heavy.sorted(), tailShare: 0.2))
        XCTAssertEqual(lightTail.shape, -1, accuracy: 0.1)
        XCTAssertEqual(heavyTail.shape, 0.4, accuracy: 0.15)
        XCTAssertLessThanOrEqual(lightTail.threshold(exceedance: 0.0001), 1.05)
    }

    func testTooFewScoresFallBackToTheQuantile() {
        let scores: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        XCTAssertNil(ParetoTail(ascending: scores, tailShare: 0.2))
        XCTAssertEqual(Calibration(heldOutScores: scores, rule: .paretoTail(falseRejectTarget: 0.1)).threshold,
                       Calibration(heldOutScores: scores, rule: .quantile(falseRejectTarget: 0.1)).threshold)
    }

    func testDescriptionsNameTheRule() {
        XCTAssertEqual(ThresholdRule.sigmas(3).description, "mean + 3 std")
        XCTAssertEqual(ThresholdRule.sigmas(2.5).description, "mean + 2.50 std")
        XCTAssertEqual(ThresholdRule.quantile(falseRejectTarget: 0.02).description, "2 % quantile")
        XCTAssertEqual(ThresholdRule.paretoTail(falseRejectTarget: 0.005).description, "0.50 % Pareto tail")
    }
}
