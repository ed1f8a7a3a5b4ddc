import XCTest
@testable import PatchCore

final class OperatingPointTests: XCTestCase {
    /// Ten good parts scored 0...9 and five defects: two "crack" at 9.5 and 4.5, three "dent" at
    /// 12, 8.5 and 1.5. The label-free threshold is 6 (held-out 4, 5, 6 with k = 1).
    private func point(targets: [Double] = OperatingPoint.defaultTargets) throws -> OperatingPoint {
        let good = (0..<10).map { LabeledImageScore(defectType: "good", isAnomalous: false, score: Double($0)) }
        let bad = [("crack", 9.5), ("crack", 4.5), ("dent", 12), ("dent", 8.5), ("dent", 1.5)].map {
            LabeledImageScore(defectType: $0.0, isAnomalous: true, score: $0.1)
        }
        let images = good + bad
        let roc = try ROCCurve(scores: images.map(\.score), labels: images.map(\.isAnomalous))
        return OperatingPoint(images: images, roc: roc, calibration: Calibration(heldOutScores: [4, 5, 6], sigmas: 1),
                              targets: targets)
    }

    func testEscapesPerDefectTypeAreCountedBelowTheLabelFreeThreshold() throws {
        let o = try point()
        XCTAssertEqual(o.threshold, 6, accuracy: 1e-12)
        XCTAssertEqual(o.perDefectType, [
            .init(defectType: "crack", anomalousCount: 2, escaped: 1),
            .init(defectType: "dent", anomalousCount: 3, escaped: 1),
        ])
    }

    func testEachBudgetGetsTheLowestEscapeRateThatKeepsWithinIt() throws {
        // Rejecting >= 9.5 rejects no good part and catches 12 and 9.5: 3 of 5 escape. Rejecting
        // >= 8.5 also rejects the good 9 (10 %) and catches 8.5. Within 50 % the lowest is 4.5
        // (goods 5 to 9 rejected) with one escape; rejecting everything lets none through.
        let o = try point(targets: [0.0, 0.05, 0.10, 0.5, 1.0])
        XCTAssertEqual(o.targets.map(\.escaped), [3, 3, 2, 1, 0])
        XCTAssertEqual(o.targets.map(\.threshold), [9.5, 9.5, 8.5, 4.5, 0])
        XCTAssertEqual(o.targets.map(\.falseRejectRate), [0, 0, 0.1, 0.5, 1], accuracy: 1e-12)
        XCTAssertEqual(o.targets.map(\.escapeRate), [0.6, 0.6, 0.4, 0.2, 0], accuracy: 1e-12)
    }

    /// Labelled calibration from 1 to 3 of the 5 defects: never below the good parts' limit
    /// (6 of the good test parts, 0 to 5, are below it), measured on the defects left out.
    func testKnownDefectCalibrationIsMeasuredOnTheDefectsLeftOut() throws {
        let o = try point()
        XCTAssertEqual(o.knownDefects.map(\.size), [1, 2, 3], "sizes that leave defects out")
        for row in o.knownDefects {
            XCTAssertLessThanOrEqual(try XCTUnwrap(row.worstFalseReject), 0.4, "at or above the floor, 5.96")
            XCTAssertGreaterThanOrEqual(row.worstEscape, row.medianEscape)
            XCTAssertGreaterThanOrEqual(row.medianEscape, 0.2, "1.5 and 4.5 lie below the floor: of 4 left out, at least one escapes")
        }
    }

    func testTheCurveRunsFromRejectingNothingToRejectingEverything() throws {
        let o = try point()
        XCTAssertEqual(o.curve.first, .init(threshold: .infinity, falseRejectRate: 0, escapeRate: 1))
        XCTAssertEqual(o.curve.last?.falseRejectRate, 1)
        XCTAssertEqual(o.curve.last?.escapeRate, 0)
        XCTAssertEqual(o.curve.map(\.falseRejectRate), o.curve.map(\.falseRejectRate).sorted())
        XCTAssertEqual(o.curve.map(\.escapeRate), o.curve.map(\.escapeRate).sorted(by: >))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
