import Imaging
import XCTest
@testable import PatchCore

final class SuspectRegionFinderTests: XCTestCase {
    func testHotSpotsBecomeBoxesStrongestFirstAndTinyOnesAreDropped() throws {
        var map = FloatPlane(width: 100, height: 100, fill: 0.1)
        for y in 10..<20 { for x in 60..<80 { map[x, y] = 0.9 } }   // strong blob
        for y in 70..<90 { for x in 20..<30 { map[x, y] = 0.8 } }   // second blob
        map[5, 95] = 0.95                                            // a single hot pixel: noise
        let regions = SuspectRegionFinder(minimumAreaShare: 0.001).regions(in: map)
        // 0.95 * 2/3 = 0.633: all three pass the cut; the 1-pixel one is below 10 pixels.
        XCTAssertEqual(regions.map(\.box), [Rect(x: 60, y: 10, width: 20, height: 10), Rect(x: 20, y: 70, width: 10, height: 20)])
        XCTAssertEqual(regions.first?.area, 200)
        XCTAssertEqual(regions.first?.peak, 0.9)
    }

    func testNearBoxesMergeAndTheLimitHolds() {
        var map = FloatPlane(width: 64, height: 64)
        for y in 0..<8 { for x in 0..<8 { map[x, y] = 1 } }
        for y in 0..<8 { for x in 12..<20 { map[x, y] = 1 } } // 4 px gap: merged
        for i in 0..<4 { for y in 40..<44 { for x in (i * 16)..<(i * 16 + 4) { map[x, y] = 0.9 } } }
        let regions = SuspectRegionFinder(minimumAreaShare: 0, mergeDistance: 6, limit: 3).regions(in: map)
        XCTAssertEqual(regions.count, 3)
        XCTAssertEqual(regions[0].box, Rect(x: 0, y: 0, width: 20, height: 8))
        XCTAssertTrue(SuspectRegionFinder().regions(in: FloatPlane(width: 8, height: 8)).isEmpty)
    }
}

final class SuspectRegionFloorTests: XCTestCase {
    func testTheFloorKeepsNormalTextureOutOfTheBoxes() {
        // A defect peaking at 30 on texture at 21: 2/3 of the peak (20) would box the texture too;
        // a floor at the threshold (25) keeps only the defect.
        var map = FloatPlane(width: 50, height: 50, fill: 21)
        for y in 20..<26 { for x in 30..<36 { map[x, y] = 30 } }
        XCTAssertEqual(SuspectRegionFinder().regions(in: map).map(\.box), [Rect(x: 0, y: 0, width: 50, height: 50)])
        XCTAssertEqual(SuspectRegionFinder().regions(in: map, floor: 25).map(\.box), [Rect(x: 30, y: 20, width: 6, height: 6)])
    }
}
