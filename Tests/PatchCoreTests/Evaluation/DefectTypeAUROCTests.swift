import PatchCore
import XCTest

final class DefectTypeAUROCTests: XCTestCase {
    func testEachTypeAgainstAllGoodImages() throws {
        let images = [
            LabeledImageScore(defectType: "good", isAnomalous: false, score: 0.1),
            LabeledImageScore(defectType: "good", isAnomalous: false, score: 0.5),
            // "scratch" 0.9, 0.7 are above both good scores: 4 of 4 pairs -> 1.0.
            LabeledImageScore(defectType: "scratch", isAnomalous: true, score: 0.9),
            LabeledImageScore(defectType: "scratch", isAnomalous: true, score: 0.7),
            // "dent" 0.5 ties good 0.5 and beats 0.1: (1 + 0.5) / 2 = 0.75.
            LabeledImageScore(defectType: "dent", isAnomalous: true, score: 0.5),
        ]
        let breakdown = try DefectTypeAUROC.breakdown(images)
        XCTAssertEqual(breakdown.map(\.defectType), ["dent", "scratch"])
        XCTAssertEqual(breakdown.map(\.auroc), [0.75, 1.0])
        XCTAssertEqual(breakdown.map(\.anomalousCount), [1, 2])
        XCTAssertEqual(breakdown.map(\.goodCount), [2, 2])
    }

    func testNeedsBothClasses() {
        let onlyGood = [LabeledImageScore(defectType: "good", isAnomalous: false, score: 0.1)]
        XCTAssertThrowsError(try DefectTypeAUROC.breakdown(onlyGood)) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 0, good: 1))
        }
        let onlyDefects = [LabeledImageScore(defectType: "dent", isAnomalous: true, score: 0.1)]
        XCTAssertThrowsError(try DefectTypeAUROC.breakdown(onlyDefects)) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 1, good: 0))
        }
    }

    func testNaNScoreIsReportedByImageIndex() {
        let images = [
            LabeledImageScore(defectType: "good", isAnomalous: false, score: 0.1),
            LabeledImageScore(defectType: "dent", isAnomalous: true, score: .nan),
        ]
        XCTAssertThrowsError(try DefectTypeAUROC.breakdown(images)) { error in
            XCTAssertEqual(error as? MetricsError, .notANumber(index: 1))
        }
    }
}
