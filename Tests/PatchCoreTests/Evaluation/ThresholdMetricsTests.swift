import PatchCore
import XCTest

final class ThresholdMetricsTests: XCTestCase {
    func testHandCase() throws {
        // Good 0.1, 0.4, 0.5, 0.9; anomalous 0.5, 0.7, 0.3; threshold 0.5, score >= 0.5 rejects.
        // Good rejected: 0.5, 0.9 (fp 2), passed 0.1, 0.4 (tn 2).
        // Anomalous rejected: 0.5, 0.7 (tp 2), passed 0.3 (fn 1).
        let metrics = try ThresholdMetrics(
            scores: [0.1, 0.4, 0.5, 0.9, 0.5, 0.7, 0.3],
            labels: [false, false, false, false, true, true, true],
            threshold: 0.5
        )
        XCTAssertEqual(metrics.counts, ConfusionCounts(truePositives: 2, falsePositives: 2, trueNegatives: 2, falseNegatives: 1))
        XCTAssertEqual(try XCTUnwrap(metrics.accuracy), 4.0 / 7, accuracy: 1e-15)        // (2 + 2) / 7
        XCTAssertEqual(try XCTUnwrap(metrics.precision), 0.5, accuracy: 1e-15)           // 2 / (2 + 2)
        XCTAssertEqual(try XCTUnwrap(metrics.recall), 2.0 / 3, accuracy: 1e-15)          // 2 / (2 + 1)
        XCTAssertEqual(try XCTUnwrap(metrics.f1), 4.0 / 7, accuracy: 1e-15)              // 4 / (4 + 2 + 1)
        XCTAssertEqual(try XCTUnwrap(metrics.falseRejectRate), 0.5, accuracy: 1e-15)     // 2 / 4 good
        XCTAssertEqual(try XCTUnwrap(metrics.escapeRate), 1.0 / 3, accuracy: 1e-15)      // 1 / 3 defective
        XCTAssertEqual(metrics.counts.total, 7)
        XCTAssertEqual(metrics.counts.rejected, 4)
    }

    func testUndefinedRatiosAreNil() throws {
        // Three good parts, all below the threshold: nothing rejected, no defective parts.
        let metrics = try ThresholdMetrics(scores: [0.1, 0.2, 0.3], labels: [false, false, false], threshold: 0.5)
        XCTAssertEqual(metrics.accuracy, 1)
        XCTAssertEqual(metrics.falseRejectRate, 0)
        XCTAssertNil(metrics.precision)   // 0 / 0 rejected
        XCTAssertNil(metrics.recall)      // 0 / 0 defective
        XCTAssertNil(metrics.escapeRate)  // 0 / 0 defective
        XCTAssertNil(metrics.f1)          // 2 * 0 / (0 + 0 + 0)
    }

    func testInvalidInputThrows() {
        XCTAssertThrowsError(try ThresholdMetrics(scores: [0.1], labels: [true], threshold: .nan)) { error in
            // NaN != NaN, so match the case instead of comparing errors.
            guard case .invalidThreshold(let threshold)? = error as? MetricsError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(threshold.isNaN)
        }
        XCTAssertThrowsError(try ThresholdMetrics(scores: [], labels: [], threshold: 0.5)) { error in
            XCTAssertEqual(error as? MetricsError, .empty)
        }
        XCTAssertThrowsError(try ThresholdMetrics(scores: [0.1], labels: [true, false], threshold: 0.5)) { error in
            XCTAssertEqual(error as? MetricsError, .countMismatch(scores: 1, labels: 2))
        }
    }
}
