import Foundation
import Imaging
import XCTest
@testable import PatchCore

/// The backbone checked end to end on photos nobody here made: if BatchNorm folding, padding,
/// strides or the weight layouts were wrong, these rankings would fall apart.
final class ClassificationTests: XCTestCase {
    static let network = Result { try EfficientNetLite0.loadDefault() }

    private func probabilities(_ name: String) throws -> [Float] {
        let network = try Self.network.get()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/data/imagenet-sanity/\(name)").path
        let image = try ImageFile.readRGB(path)
        return network.classProbabilities(try EfficientNetLite0.classificationInput(image))
    }

    private func top(_ k: Int, _ p: [Float]) -> [Int] {
        Array(p.indices.sorted { p[$0] > p[$1] }.prefix(k))
    }

    func testChelseaIsATigerCatThenOtherCats() throws {
        let p = try probabilities("chelsea.png")
        let best = top(3, p)
        XCTAssertEqual(best.first, 282, "top 3 \(best) with p \(best.map { p[$0] })")
        XCTAssertTrue(best.allSatisfy { (281...285).contains($0) }, "top 3 \(best)")
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-3)
    }

    func testCoffeeIsEspressoWithHighConfidence() throws {
        let p = try probabilities("coffee.png")
        XCTAssertEqual(top(1, p), [967])
        XCTAssertGreaterThan(p[967], 0.9)
    }

    func testFeatureTapsHaveTheDocumentedShapes() throws {
        let network = try Self.network.get()
        let input = BackboneInput.tensor(from: RGBImage(width: 224, height: 224, fill: 127))
        let taps = ["block4", "block5.expand", "block10", "block2"].compactMap(FeatureTap.init)
        XCTAssertEqual(taps.count, 4)
        let maps = network.features(input, taps: taps)
        XCTAssertEqual(maps.map { [$0.channels, $0.height, $0.width] }, [[40, 28, 28], [240, 28, 28], [112, 14, 14], [24, 56, 56]])
        XCTAssertEqual(taps.map(\.stride), [8, 8, 16, 4])
        XCTAssertNil(FeatureTap("block0.expand"))
        XCTAssertNil(FeatureTap("block16"))
        XCTAssertNil(FeatureTap("head"))
    }
}
