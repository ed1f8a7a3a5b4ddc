import XCTest
@testable import Imaging

final class DrawingTests: XCTestCase {
    func testStrokeRectDrawsOnlyTheBorder() {
        var image = RGBImage(width: 10, height: 10)
        image.strokeRect(Rect(x: 2, y: 3, width: 5, height: 4), color: .red, thickness: 1)
        for y in 0..<10 {
            for x in 0..<10 {
                let onBorder = (x == 2 || x == 6) && (3...6).contains(y) || (y == 3 || y == 6) && (2...6).contains(x)
                XCTAssertEqual(Array(image[x, y]), onBorder ? [255, 0, 0] : [0, 0, 0], "pixel \(x),\(y)")
            }
        }
    }

    func testBoxesAreClippedToTheImage() {
        var image = RGBImage(width: 6, height: 6)
        image.strokeRect(Rect(x: 4, y: -2, width: 10, height: 5), color: .green, thickness: 2)
        XCTAssertEqual(Array(image[4, 0]), [0, 255, 0])
        XCTAssertEqual(Array(image[5, 2]), [0, 255, 0])
        XCTAssertEqual(Array(image[0, 0]), [0, 0, 0])
    }

    func testJetColormapEndsAndMiddle() {
        XCTAssertEqual(Heatmap.jet(0), RGBColor(r: 0, g: 0, b: 128))
        XCTAssertEqual(Heatmap.jet(1), RGBColor(r: 128, g: 0, b: 0))
        XCTAssertEqual(Heatmap.jet(0.5), RGBColor(r: 128, g: 255, b: 128))
        XCTAssertEqual(Heatmap.jet(-3), Heatmap.jet(0))
        XCTAssertEqual(Heatmap.jet(.nan), Heatmap.jet(0))
    }

    func testOverlayBlendsByOpacityAndChecksSize() throws {
        let image = RGBImage(width: 2, height: 1, fill: 100)
        let out = try Heatmap.overlay([0, 1], on: image, range: 0...1, opacity: 0.5)
        // (100 + 0) / 2, (100 + 0) / 2, (100 + 128) / 2 then (100 + 128) / 2, 50, 50.
        XCTAssertEqual(out.pixels, [50, 50, 114, 114, 50, 50])
        XCTAssertEqual(try Heatmap.overlay([0, 1], on: image, range: 0...1, opacity: 0), image)
        XCTAssertThrowsError(try Heatmap.overlay([0], on: image, range: 0...1))
    }

    func testOverlayInAnAreaStretchesTheMapThereOnly() throws {
        let image = RGBImage(width: 6, height: 5, fill: 100)
        let map = try FloatPlane(width: 2, height: 2, values: [1, 1, 1, 1])
        let out = try Heatmap.overlay(map, on: image, in: Rect(x: 4, y: 1, width: 4, height: 2), range: 0...1, opacity: 0.5)
        for y in 0..<5 {
            for x in 0..<6 {
                let inside = x >= 4 && (1...2).contains(y)
                XCTAssertEqual(Array(out[x, y]), inside ? [114, 50, 50] : [100, 100, 100], "pixel \(x),\(y)")
            }
        }
        XCTAssertEqual(try Heatmap.overlay(map, on: image, in: Rect(x: 7, y: 0, width: 2, height: 2), range: 0...1), image,
                       "an area outside the image changes nothing")
    }
}
