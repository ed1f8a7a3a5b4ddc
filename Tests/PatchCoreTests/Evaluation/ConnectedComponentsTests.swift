import PatchCore
import XCTest

final class ConnectedComponentsTests: XCTestCase {
    func testDiagonalNeighboursJoin() throws {
        // 1 0 0
        // 0 1 0      8-connectivity: the diagonal is one region of 3
        // 0 0 1      (4-connectivity would give three regions of 1).
        let components = try ConnectedComponents(mask: [1, 0, 0, 0, 1, 0, 0, 0, 1], width: 3, height: 3)
        XCTAssertEqual(components.count, 1)
        XCTAssertEqual(components.sizes, [3])
        XCTAssertEqual(components.labels, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    func testAntiDiagonalJoinsToo() throws {
        // 0 1
        // 1 0
        let components = try ConnectedComponents(mask: [0, 255, 255, 0], width: 2, height: 2)
        XCTAssertEqual(components.sizes, [2])
    }

    func testSeparateBlobsNumberedInRasterOrder() throws {
        // 1 1 0 0 1
        // 1 0 0 0 1      left blob of 3 pixels; right column of 2; a lone pixel at the bottom
        // 0 0 1 0 0      is 8-connected to neither (its neighbours (1,1) and (3,1) are empty).
        let mask: [UInt8] = [
            1, 1, 0, 0, 1,
            1, 0, 0, 0, 1,
            0, 0, 1, 0, 0,
        ]
        let components = try ConnectedComponents(mask: mask, width: 5, height: 3)
        XCTAssertEqual(components.count, 3)
        XCTAssertEqual(components.sizes, [3, 2, 1])
        XCTAssertEqual(components.labels, [
            1, 1, 0, 0, 2,
            1, 0, 0, 0, 2,
            0, 0, 3, 0, 0,
        ])
    }

    func testUShapeIsOneRegion() throws {
        // 1 0 1
        // 1 0 1      the two arms meet only in the last row: one region of 7, a case where a
        // 1 1 1      single raster pass without merging would see two.
        let components = try ConnectedComponents(mask: [1, 0, 1, 1, 0, 1, 1, 1, 1], width: 3, height: 3)
        XCTAssertEqual(components.sizes, [7])
    }

    func testEmptyMask() throws {
        let components = try ConnectedComponents(mask: [UInt8](repeating: 0, count: 12), width: 4, height: 3)
        XCTAssertEqual(components.count, 0)
        XCTAssertEqual(components.labels, [UInt32](repeating: 0, count: 12))
        let nothing = try ConnectedComponents(mask: [], width: 0, height: 0)
        XCTAssertEqual(nothing.count, 0)
    }

    func testFullMask() throws {
        let components = try ConnectedComponents(mask: [UInt8](repeating: 255, count: 12), width: 4, height: 3)
        XCTAssertEqual(components.sizes, [12])
        XCTAssertEqual(components.labels, [UInt32](repeating: 1, count: 12))
    }

    func testLargeRegionDoesNotRecurse() throws {
        // A 512x512 full mask would overflow the stack of a recursive flood fill.
        let components = try ConnectedComponents(mask: [UInt8](repeating: 1, count: 512 * 512), width: 512, height: 512)
        XCTAssertEqual(components.sizes, [512 * 512])
    }

    func testSizeMismatchThrows() {
        XCTAssertThrowsError(try ConnectedComponents(mask: [1, 0, 1], width: 2, height: 2)) { error in
            XCTAssertEqual(error as? MetricsError, .sizeMismatch(what: "mask", width: 2, height: 2, values: 3))
            XCTAssertEqual("\(error)", "a 2x2 mask needs 4 values, got 3")
        }
    }
}
