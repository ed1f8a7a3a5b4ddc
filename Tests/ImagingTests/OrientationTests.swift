import Imaging
import XCTest

final class OrientationTests: XCTestCase {
    /// A 3x2 image whose pixels are numbered row by row, in both channel layouts.
    ///
    ///     1 2 3
    ///     4 5 6
    func testEachOrientationMovesPixelsWhereItSays() throws {
        let image = try GrayImage(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image.oriented(.flipHorizontal).pixels, [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(image.oriented(.flipVertical).pixels, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(image.oriented(.rotate180).pixels, [6, 5, 4, 3, 2, 1])
        // Clockwise: the left column, read bottom to top, becomes the top row.
        let clockwise = image.oriented(.rotate90)
        XCTAssertEqual([clockwise.width, clockwise.height], [2, 3])
        XCTAssertEqual(clockwise.pixels, [4, 1, 5, 2, 6, 3])
        let counter = image.oriented(.rotate270)
        XCTAssertEqual([counter.width, counter.height], [2, 3])
        XCTAssertEqual(counter.pixels, [3, 6, 2, 5, 1, 4])
    }

    func testColourPixelsMoveWhole() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [10, 11, 12, 20, 21, 22])
        XCTAssertEqual(image.oriented(.flipHorizontal).pixels, [20, 21, 22, 10, 11, 12])
        XCTAssertEqual(image.oriented(.rotate90).pixels, [10, 11, 12, 20, 21, 22], "a 2x1 row turns into a 1x2 column")
    }

    func testTurnsAndFlipsComposeAsTheyShould() throws {
        var random = SystemRandomNumberGenerator()
        let image = try RGBImage(width: 7, height: 5, pixels: (0..<105).map { _ in UInt8.random(in: 0...255, using: &random) })
        XCTAssertEqual(image.oriented(.rotate90).oriented(.rotate270), image)
        XCTAssertEqual(image.oriented(.rotate90).oriented(.rotate90), image.oriented(.rotate180))
        XCTAssertEqual(image.oriented(.flipHorizontal).oriented(.flipVertical), image.oriented(.rotate180))
        XCTAssertEqual(image.oriented(.flipHorizontal).oriented(.flipHorizontal), image)
    }
}
