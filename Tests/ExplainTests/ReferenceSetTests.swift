import Explain
import Foundation
import Imaging
import XCTest

final class ReferenceSetTests: XCTestCase {
    /// A part lit differently still finds the good part of its own shape, not the other one.
    func testNearestIsTheSameShapeWhateverTheExposure() throws {
        var left = RGBImage(width: 200, height: 150, fill: 60)
        left.fill(Rect(x: 10, y: 40, width: 60, height: 60), color: .white)
        var right = RGBImage(width: 200, height: 150, fill: 60)
        right.fill(Rect(x: 130, y: 40, width: 60, height: 60), color: .white)
        let set = try ReferenceSet(images: [left, right])
        var darkRight = RGBImage(width: 200, height: 150, fill: 20)
        darkRight.fill(Rect(x: 128, y: 42, width: 60, height: 60), color: RGBColor(r: 150, g: 150, b: 150))
        XCTAssertEqual(set.nearest(to: darkRight), right)
        XCTAssertEqual(set.nearest(to: left), left)
    }

    func testStoredBesideTheModelAndLoadedBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("demo.eagle").path
        let images = (0..<20).map { RGBImage(width: 640, height: 480, fill: UInt8(40 + $0 * 5)) }
        let stored = try ReferenceSet.store(images, forModel: model)
        XCTAssertEqual(stored, model + ".refs")
        let names = try FileManager.default.contentsOfDirectory(atPath: stored).sorted()
        XCTAssertEqual(names.count, ReferenceSet.storedCount)
        XCTAssertEqual(names.first, "good-01.jpg")
        let loaded = try XCTUnwrap(try ReferenceSet.load(directory: stored))
        XCTAssertEqual(loaded.count, ReferenceSet.storedCount)
        let first = try JPEG.decodeRGB(Array(try Data(contentsOf: URL(fileURLWithPath: stored + "/good-01.jpg"))))
        XCTAssertEqual([first.width, first.height], [320, 240])
        XCTAssertNil(try ReferenceSet.load(directory: directory.appendingPathComponent("none").path))
    }
}
