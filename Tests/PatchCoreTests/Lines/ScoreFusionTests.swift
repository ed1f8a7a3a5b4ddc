import XCTest
@testable import PatchCore

final class ScoreFusionTests: XCTestCase {
    func testCentreAndSpreadAreTheMedianAndInterquartileRange() throws {
        // Quartiles with linear interpolation (numpy's default): 2, 3, 4 of 1...5; an outlier
        // among the good parts does not move them.
        let fusion = ScoreFusion(patchMaxima: [5, 1, 4, 2, 3], lineMaxima: [10, 30, 20, 40, 1000])
        XCTAssertEqual(fusion.patchCenter, 3)
        XCTAssertEqual(fusion.patchSpread, 2)
        XCTAssertEqual(fusion.lineCenter, 30)
        XCTAssertEqual(fusion.lineSpread, 20)
        // A patch at both centres is 0; each witness counts in its own spread.
        XCTAssertEqual(try fusion.fused(distances: [3, 5, 3, 5], lines: [30, 30, 50, 50]), [0, 1, 1, 2])
    }

    func testIdenticalGoodPartsStillGiveFiniteScores() throws {
        let fusion = ScoreFusion(patchMaxima: [2, 2, 2], lineMaxima: [7, 7, 7])
        XCTAssertEqual(fusion.patchSpread, 1)
        XCTAssertEqual(fusion.lineSpread, 1)
        XCTAssertEqual(try fusion.fused(distances: [4], lines: [7]), [2])
    }

    func testGridsOfDifferentSizesAreRefused() {
        let fusion = ScoreFusion(patchCenter: 0, patchSpread: 1, lineCenter: 0, lineSpread: 1)
        XCTAssertThrowsError(try fusion.fused(distances: [1, 2, 3], lines: [1, 2]))
    }
}
