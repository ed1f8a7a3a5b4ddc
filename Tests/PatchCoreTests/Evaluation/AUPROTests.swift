import SeededRandom
import XCTest
@testable import PatchCore

final class AUPROTests: XCTestCase {
    func testTwoRegionsThresholdSweep() throws {
        // Regions A (1 pixel) and B (4 pixels), 10 normal pixels; PRO = (overlap A + overlap B) / 2.
        //   t 0.9: A 1/1, B 0/4 -> 0.5     FPR 0
        //   t 0.8: A 1,   B 2/4 -> 0.75    FPR 0
        //   t 0.6: normal 0.6   -> 0.75    FPR 1/10
        //   t 0.5: B 3/4        -> 0.875   FPR 0.1
        //   t 0.4: normal 0.4   -> 0.875   FPR 0.2
        //   t 0.2: B 4/4        -> 1       FPR 0.2
        //   t 0.1: 8 normals    -> 1       FPR 1
        let ranking = try PixelRanking([EvaluationFixtures.twoRegions()])
        let curve = try ranking.proCurve()
        XCTAssertEqual(curve.map(\.threshold), [.infinity, 0.9, 0.8, 0.6, 0.5, 0.4, 0.2, 0.1])
        XCTAssertEqual(curve.map(\.falsePositiveRate), [0, 0, 0, 0.1, 0.1, 0.2, 0.2, 1])
        let expectedOverlaps = [0, 0.5, 0.75, 0.75, 0.875, 0.875, 1, 1]
        for (overlap, expected) in zip(curve.map(\.overlap), expectedOverlaps) {
            XCTAssertEqual(overlap, expected, accuracy: 1e-12)
        }
        // Up to FPR 0.3: 0.1 * 0.75 + 0.1 * 0.875 + 0.1 * 1 (flat at 1 from 0.2 on) = 0.2625;
        // divided by 0.3 -> 0.875.
        XCTAssertEqual(try ranking.aupro(), 0.875, accuracy: 1e-12)
        // The curve cut at 0.15 keeps the points up to FPR 0.1.
        XCTAssertEqual(try ranking.proCurve(maxFPR: 0.15).count, 5)
    }

    func testLimitInterpolatesTheCrossingSegment() throws {
        // Curve (0, 0) -> (0, 0.5) at t 0.9 -> (0.5, 1) at t 0.5 (the region's second pixel tied
        // with 5 of 10 normals: a diagonal step) -> (1, 1) at t 0.1.
        // At FPR 0.3 the diagonal is at 0.5 + 0.5 * 0.3 / 0.5 = 0.8, so the area to 0.3 is
        // 0.3 * (0.5 + 0.8) / 2 = 0.195, and AUPRO = 0.195 / 0.3 = 0.65. Dropping the crossing
        // segment would give 0; taking it whole, 0.375 / 0.3 = 1.25.
        let ranking = try PixelRanking([EvaluationFixtures.diagonalStep()])
        XCTAssertEqual(try ranking.aupro(maxFPR: 0.3), 0.65, accuracy: 1e-12)
        // A limit on a point needs no interpolation: 0.5 * (0.5 + 1) / 2 / 0.5 = 0.75.
        XCTAssertEqual(try ranking.aupro(maxFPR: 0.5), 0.75, accuracy: 1e-12)
        // The whole curve: 0.375 + 0.5 * 1 = 0.875.
        XCTAssertEqual(try ranking.aupro(maxFPR: 1), 0.875, accuracy: 1e-12)
    }

    func testRegionsOfAllImagesWeighEqually() throws {
        // Image 1 (2x2): one defect pixel at 0.9. Image 2 (3x1): two separate 1-pixel regions at
        // 0.9 and 0.2. All 4 normal pixels score 0. At t 0.9 two of three regions are found:
        // PRO 2/3 (a mean of per-image means would say (1 + 0.5) / 2 = 0.75).
        let first = try LabeledAnomalyMap(width: 2, height: 2, scores: [0.9, 0, 0, 0], mask: [1, 0, 0, 0])
        let second = try LabeledAnomalyMap(width: 3, height: 1, scores: [0.9, 0, 0.2], mask: [1, 0, 1])
        let ranking = try PixelRanking([first, second])
        XCTAssertEqual(ranking.regionCount, 3)
        let curve = try ranking.proCurve()
        XCTAssertEqual(curve.map(\.threshold), [.infinity, 0.9, 0.2, 0])
        XCTAssertEqual(curve.map(\.falsePositiveRate), [0, 0, 0, 1])
        XCTAssertEqual(curve[1].overlap, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(curve[2].overlap, 1, accuracy: 1e-12)
        // Every region is complete before any normal pixel: perfect AUPRO.
        XCTAssertEqual(try aupro([first, second]), 1, accuracy: 1e-12)
    }

    func testMatchesBruteForceMVTecComputation() throws {
        var rng = SplitMix64(seed: 0x5EED_0003)
        for trial in 0..<40 {
            let maps = try EvaluationFixtures.randomMaps(using: &rng)
            let ranking = try PixelRanking(maps)
            for limit in [0.3, 0.05, 1.0] {
                let expected = try BruteForceMetrics.aupro(maps, maxFPR: limit)
                XCTAssertEqual(try ranking.aupro(maxFPR: limit), expected, accuracy: 1e-9, "trial \(trial), limit \(limit)")
            }
        }
    }

    func testInvalidLimitThrows() throws {
        let ranking = try PixelRanking([EvaluationFixtures.diagonalStep()])
        for limit in [0, -0.1, 1.5] {
            XCTAssertThrowsError(try ranking.aupro(maxFPR: limit)) { error in
                XCTAssertEqual(error as? MetricsError, .invalidIntegrationLimit(limit))
            }
        }
        XCTAssertThrowsError(try ranking.proCurve(maxFPR: .nan)) { error in
            guard case .invalidIntegrationLimit(let limit)? = error as? MetricsError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(limit.isNaN)
        }
    }
}
