import Imaging
import XCTest
@testable import PatchCore

final class InputGeometryTests: XCTestCase {
    func testCentreCropMapsBackToTheFrame() {
        // 640x480 -> shorter side 256: 341x256, centre 224x224 at (58.5 -> 58, 16).
        let settings = PatchCoreSettings(fit: .centerCrop(resize: 256), inputWidth: 224, inputHeight: 224)
        let geometry = InputGeometry(settings: settings, sourceWidth: 640, sourceHeight: 480)
        XCTAssertEqual(geometry.cropX, Rect.centered(width: 224, height: 224, inWidth: 341, height: 256).x)
        XCTAssertEqual(geometry.cropY, 16)
        let whole = geometry.sourceRect(Rect(x: 0, y: 0, width: 224, height: 224))
        XCTAssertEqual(whole.y, 30)                       // 16 * 480 / 256
        XCTAssertEqual(whole.maxY, 450)                   // 240 * 480 / 256
        XCTAssertEqual(Double(whole.width), 420.4, accuracy: 2) // 224 * 640 / 341, rounded outwards
        XCTAssertEqual(Double(whole.x + whole.maxX) / 2, 320, accuracy: 1, "centred")
    }

    func testStretchScalesEachAxis() {
        let settings = PatchCoreSettings(fit: .stretch, inputWidth: 224, inputHeight: 560)
        let geometry = InputGeometry(settings: settings, sourceWidth: 500, sourceHeight: 1240)
        XCTAssertEqual(geometry.sourceRect(Rect(x: 112, y: 280, width: 56, height: 140)),
                       Rect(x: 250, y: 620, width: 125, height: 310))
    }

    /// A box drawn on the frame lands on the same place of the input the expert sees: the
    /// resampled input's box, mapped back, covers the original box.
    func testMappedBoxCoversWhatTheInputShows() throws {
        let settings = PatchCoreSettings(fit: .centerCrop(resize: 256), inputWidth: 224, inputHeight: 224)
        var frame = RGBImage(width: 640, height: 480)
        let box = Rect(x: 300, y: 200, width: 40, height: 30)
        frame.fill(box, color: .white)
        let input = try PatchCoreExpert.preprocess(frame, settings: settings, filter: .bilinear)
        var lit = Rect(x: 0, y: 0, width: 0, height: 0)
        for y in 0..<input.height {
            for x in 0..<input.width where input.pixels[(y * input.width + x) * 3] > 128 {
                lit = lit.union(Rect(x: x, y: y, width: 1, height: 1))
            }
        }
        let mapped = InputGeometry(settings: settings, sourceWidth: 640, sourceHeight: 480).sourceRect(lit)
        XCTAssertTrue(mapped.insetBy(-3).contains(box), "\(mapped) should cover \(box)")
        XCTAssertLessThan(mapped.area, box.insetBy(-6).area, "\(mapped) should be tight around \(box)")
    }
}

private extension Rect {
    func insetBy(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}
