import SeededRandom
import XCTest
@testable import PatchCore

final class ROCCurveTests: XCTestCase {
    func testPerfectSeparationIsOne() throws {
        // Every anomalous score (0.8, 0.9) is above every good one (0.1, 0.2): 4 of 4 pairs.
        XCTAssertEqual(try auroc(scores: [0.1, 0.9, 0.2, 0.8], labels: [false, true, false, true]), 1.0)
    }

    func testReversedIsZero() throws {
        // Every anomalous score is below every good one: 0 of 4 pairs.
        XCTAssertEqual(try auroc(scores: [0.9, 0.1, 0.8, 0.2], labels: [false, true, false, true]), 0.0)
    }

    func testAllTiedIsOneHalfAndOneDiagonalStep() throws {
        // 2 x 3 pairs, all tied: 6 * 0.5 / 6 = 0.5. One threshold rejects all or nothing.
        let curve = try ROCCurve(scores: [0.4, 0.4, 0.4, 0.4, 0.4], labels: [true, false, true, false, false])
        XCTAssertEqual(curve.area, 0.5)
        XCTAssertEqual(curve.points.count, 2)
        XCTAssertEqual(curve.points.last?.falsePositiveRate, 1)
        XCTAssertEqual(curve.points.last?.truePositiveRate, 1)
    }

    func testTiesCountHalf() throws {
        // Good 0.2, 0.6; anomalous 0.4, 0.6. Pairs (anomalous vs good):
        // 0.4>0.2 win, 0.4<0.6 loss, 0.6>0.2 win, 0.6=0.6 tie -> (2 + 0.5) / 4 = 0.625.
        let curve = try ROCCurve(scores: [0.2, 0.6, 0.4, 0.6], labels: [false, false, true, true])
        XCTAssertEqual(curve.area, 0.625)
        // Threshold 0.6 rejects one of each (the tie is one diagonal step), 0.4 adds the other
        // anomalous, 0.2 the other good one. Area: 0.5 * (0 + 0.5) / 2 + 0.5 * 1 = 0.625.
        XCTAssertEqual(curve.points.map(\.threshold), [.infinity, 0.6, 0.4, 0.2])
        XCTAssertEqual(curve.points.map(\.truePositives), [0, 1, 2, 2])
        XCTAssertEqual(curve.points.map(\.falsePositives), [0, 1, 1, 2])
        XCTAssertEqual(curve.points.map(\.falsePositiveRate), [0, 0.5, 0.5, 1])
        XCTAssertEqual(curve.points.map(\.truePositiveRate), [0, 0.5, 1, 1])
        XCTAssertEqual(curve.anomalousCount, 2)
        XCTAssertEqual(curve.goodCount, 2)
    }

    func testSignedZerosTie() throws {
        // -0 and +0 are the same score: one tie, 0.5.
        XCTAssertEqual(try auroc(scores: [-0.0, 0.0], labels: [true, false]), 0.5)
    }

    func testOneClassThrows() {
        XCTAssertThrowsError(try auroc(scores: [0.1, 0.2], labels: [false, false])) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 0, good: 2))
            XCTAssertTrue("\(error)".contains("2 good and 0 anomalous"), "\(error)")
        }
        XCTAssertThrowsError(try ROCCurve(scores: [0.1, 0.2, 0.3], labels: [true, true, true])) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 3, good: 0))
        }
    }

    func testMalformedInputThrows() {
        XCTAssertThrowsError(try auroc(scores: [], labels: [])) { error in
            XCTAssertEqual(error as? MetricsError, .empty)
        }
        XCTAssertThrowsError(try auroc(scores: [0.1, 0.2], labels: [true])) { error in
            XCTAssertEqual(error as? MetricsError, .countMismatch(scores: 2, labels: 1))
        }
        XCTAssertThrowsError(try auroc(scores: [0.1, .nan, 0.3], labels: [true, false, false])) { error in
            XCTAssertEqual(error as? MetricsError, .notANumber(index: 1))
        }
    }

    func testMatchesPairwiseCountOnRandomDataWithTies() throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        for trial in 0..<200 {
            let count = Int.random(in: 2...120, using: &rng)
            // Ten score levels so that ties are frequent, within and across classes.
            let scores = (0..<count).map { _ in Double(Int.random(in: 0..<10, using: &rng)) / 10 }
            var labels = (0..<count).map { _ in Bool.random(using: &rng) }
            labels[0] = true
            labels[1] = false
            let fast = try auroc(scores: scores, labels: labels)
            let slow = BruteForceMetrics.auroc(scores: scores, labels: labels)
            XCTAssertEqual(fast, slow, accuracy: 1e-12, "trial \(trial)")
        }
    }
}
