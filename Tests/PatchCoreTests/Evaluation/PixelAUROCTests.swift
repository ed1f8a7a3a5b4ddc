import Imaging
import SeededRandom
import XCTest
@testable import PatchCore

final class PixelAUROCTests: XCTestCase {
    func testTwoRegionHandCase() throws {
        // Anomalous 0.9, 0.8, 0.8, 0.5, 0.2 vs normal 0.6, 0.4 and eight 0.1. Normals below each:
        // 0.9 -> 10, 0.8 -> 10 (twice), 0.5 -> 9, 0.2 -> 8; no ties. (10+20+9+8) / 50 = 0.94.
        let ranking = try PixelRanking([EvaluationFixtures.twoRegions()])
        XCTAssertEqual(ranking.auroc(), 0.94, accuracy: 1e-15)
        XCTAssertEqual(ranking.anomalousPixels, 5)
        XCTAssertEqual(ranking.normalPixels, 10)
        XCTAssertEqual(ranking.regionCount, 2)
    }

    func testTiesWithNormalPixelsCountHalf() throws {
        // 0.9 beats all 10 normals; 0.5 beats the five at 0.1 and ties the five at 0.5:
        // (10 + 5 + 5 * 0.5) / 20 = 0.875.
        XCTAssertEqual(try pixelAUROC([EvaluationFixtures.diagonalStep()]), 0.875)
    }

    func testEqualsImageAUROCOnTheFlattenedPixels() throws {
        var rng = SplitMix64(seed: 0x5EED_0002)
        for trial in 0..<40 {
            let maps = try EvaluationFixtures.randomMaps(using: &rng)
            let scores = maps.flatMap(\.scores).map(Double.init)
            let labels = maps.flatMap(\.mask).map { $0 != 0 }
            let pixel = try pixelAUROC(maps)
            XCTAssertEqual(pixel, try auroc(scores: scores, labels: labels), accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(pixel, BruteForceMetrics.auroc(scores: scores, labels: labels), accuracy: 1e-12, "trial \(trial)")
        }
    }

    func testPlaneAndMaskImage() throws {
        let plane = try FloatPlane(width: 2, height: 1, values: [0.2, 0.7])
        let mask = try GrayImage(width: 2, height: 1, pixels: [0, 255])
        XCTAssertEqual(try pixelAUROC([LabeledAnomalyMap(map: plane, mask: mask)]), 1)
        let wrongMask = GrayImage(width: 1, height: 2)
        XCTAssertThrowsError(try LabeledAnomalyMap(map: plane, mask: wrongMask)) { error in
            XCTAssertEqual(error as? MetricsError, .sizeMismatch(what: "mask", width: 2, height: 1, values: 2))
        }
    }

    func testOneClassThrows() throws {
        let allNormal = try LabeledAnomalyMap(width: 2, height: 1, scores: [0.1, 0.2], mask: [0, 0])
        XCTAssertThrowsError(try pixelAUROC([allNormal, allNormal])) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 0, good: 4))
        }
        let allDefect = try LabeledAnomalyMap(width: 2, height: 1, scores: [0.1, 0.2], mask: [1, 255])
        XCTAssertThrowsError(try PixelRanking([allDefect])) { error in
            XCTAssertEqual(error as? MetricsError, .singleClass(anomalous: 2, good: 0))
        }
        XCTAssertThrowsError(try pixelAUROC([])) { error in
            XCTAssertEqual(error as? MetricsError, .empty)
        }
    }

    func testMalformedMapsThrow() {
        XCTAssertThrowsError(try LabeledAnomalyMap(width: 2, height: 2, scores: [0, 0, 0], mask: [0, 0, 0, 0])) { error in
            XCTAssertEqual(error as? MetricsError, .sizeMismatch(what: "anomaly map", width: 2, height: 2, values: 3))
        }
        XCTAssertThrowsError(try LabeledAnomalyMap(width: 2, height: 1, scores: [0, 0], mask: [0])) { error in
            XCTAssertEqual(error as? MetricsError, .sizeMismatch(what: "mask", width: 2, height: 1, values: 1))
        }
        XCTAssertThrowsError(try LabeledAnomalyMap(width: 2, height: 1, scores: [0, .nan], mask: [0, 1])) { error in
            XCTAssertEqual(error as? MetricsError, .notANumber(index: 1))
        }
    }
}
