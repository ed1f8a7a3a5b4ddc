import PatchCore
import XCTest

final class F1MaxTests: XCTestCase {
    func testHandCase() throws {
        // Descending: 0.9 A, 0.8 G, 0.7 A, 0.6 A, 0.3 G, 0.2 G (3 anomalous, 3 good).
        // F1 = 2tp / (2tp + fp + fn) at each threshold:
        //   0.9: tp 1 fp 0 fn 2 -> 2/4 = 0.5      0.8: tp 1 fp 1 fn 2 -> 2/5 = 0.4
        //   0.7: tp 2 fp 1 fn 1 -> 4/6 = 0.667    0.6: tp 3 fp 1 fn 0 -> 6/7 = 0.857 (max)
        //   0.3: tp 3 fp 2 fn 0 -> 6/8 = 0.75     0.2: tp 3 fp 3 fn 0 -> 6/9 = 0.667
        let best = try F1Max(
            scores: [0.9, 0.8, 0.7, 0.6, 0.3, 0.2],
            labels: [true, false, true, true, false, false]
        )
        XCTAssertEqual(best.f1, 6.0 / 7, accuracy: 1e-15)
        XCTAssertEqual(best.threshold, 0.6)
        XCTAssertEqual(best.metrics.counts, ConfusionCounts(truePositives: 3, falsePositives: 1, trueNegatives: 2, falseNegatives: 0))
        XCTAssertEqual(try XCTUnwrap(best.metrics.falseRejectRate), 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(best.metrics.escapeRate, 0)
    }

    func testPerfectSeparationReachesOneAtTheLowestAnomalousScore() throws {
        // Threshold 0.8 rejects both anomalous (0.8, 0.9) and no good part: F1 = 4 / 4 = 1.
        let best = try F1Max(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true])
        XCTAssertEqual(best.f1, 1)
        XCTAssertEqual(best.threshold, 0.8)
    }

    func testEqualMaximaPickTheHighestThreshold() throws {
        // Descending: 0.9 A, 0.8 G, 0.7 G, 0.6 A (2 anomalous). F1 = 2tp / (tp + fp + 2):
        //   0.9: 2/3    0.8: 2/4    0.7: 2/5    0.6: 4/6 = 2/3 again, but rejecting twice as much.
        let curve = try ROCCurve(scores: [0.9, 0.8, 0.7, 0.6], labels: [true, false, false, true])
        let best = F1Max(curve: curve)
        XCTAssertEqual(best.f1, 2.0 / 3)
        XCTAssertEqual(best.threshold, 0.9)
    }

    func testOneClassThrows() {
        XCTAssertThrowsError(try F1Max(scores: [0.3], labels: [true])) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 1, good: 0))
        }
    }
}
