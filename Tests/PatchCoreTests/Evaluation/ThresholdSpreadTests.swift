import SeededRandom
import XCTest
@testable import PatchCore

final class ThresholdSpreadTests: XCTestCase {
    private let images = [1.0, 2, 3, 4, 5, 6, 7, 8].map { LabeledImageScore(defectType: "good", isAnomalous: false, score: $0) }
        + [4.5, 9].map { LabeledImageScore(defectType: "crack", isAnomalous: true, score: $0) }

    func testIdenticalHeldOutScoresLeaveNothingToSpread() throws {
        let spread = try XCTUnwrap(ThresholdSpread(calibration: Calibration(heldOutScores: [5, 5, 5, 5], sigmas: 3), images: images))
        XCTAssertEqual(spread.low, 5)
        XCTAssertEqual(spread.high, 5)
        XCTAssertEqual(spread.falseRejectRange, 0.5...0.5)
        XCTAssertEqual(spread.escapeRange, 0.5...0.5)
    }

    func testRedrawsBracketTheModelsOwnThresholdAndStayWithinTheScoresRange() throws {
        let calibration = Calibration(heldOutScores: [2, 3, 3.5, 4, 6], sigmas: 1)
        let spread = try XCTUnwrap(ThresholdSpread(calibration: calibration, images: images))
        XCTAssertLessThan(spread.low, calibration.threshold)
        XCTAssertGreaterThan(spread.high, calibration.threshold)
        XCTAssertLessThanOrEqual(spread.low, spread.median)
        XCTAssertLessThanOrEqual(spread.median, spread.high)
        // k = 1: mean + std of values in 2...6 can never leave 2...(6 + 2).
        XCTAssertGreaterThanOrEqual(spread.low, 2)
        XCTAssertLessThanOrEqual(spread.high, 8)
        // A higher threshold rejects fewer good parts and lets more defects through.
        let f = try XCTUnwrap(spread.falseRejectRange), e = try XCTUnwrap(spread.escapeRange)
        XCTAssertEqual(f.upperBound, Double(images.filter { !$0.isAnomalous && $0.score >= spread.low }.count) / 8)
        XCTAssertEqual(e.upperBound, Double(images.filter { $0.isAnomalous && $0.score < spread.high }.count) / 2)
    }

    func testTheSameSeedGivesTheSameSpreadAndMoreHeldOutScoresANarrowerOne() throws {
        var random = SplitMix64(seed: 7)
        let few = (0..<10).map { _ in random.nextGaussian() }
        let many = (0..<1000).map { _ in random.nextGaussian() }
        let a = try XCTUnwrap(ThresholdSpread(calibration: Calibration(heldOutScores: few, sigmas: 3), images: images))
        let b = try XCTUnwrap(ThresholdSpread(calibration: Calibration(heldOutScores: few, sigmas: 3), images: images))
        XCTAssertEqual(a, b)
        let wide = try XCTUnwrap(ThresholdSpread(calibration: Calibration(heldOutScores: many, sigmas: 3), images: images))
        XCTAssertLessThan(wide.high - wide.low, a.high - a.low)
    }

    func testOneHeldOutScoreHasNoSpread() {
        XCTAssertNil(ThresholdSpread(calibration: Calibration(heldOutScores: [3], sigmas: 3), images: images))
    }
}
