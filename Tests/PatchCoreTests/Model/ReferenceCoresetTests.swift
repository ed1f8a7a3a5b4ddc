import Foundation
import Imaging
import XCTest
@testable import PatchCore

/// An int8 model taught with a reference coreset banks the patches the fp32 model banks.
final class ReferenceCoresetTests: XCTestCase {
    static func teach(_ settings: PatchCoreSettings, network: EfficientNetLite0) throws -> PatchCoreModel {
        let files = (0..<12).map { String(format: "train/good/%03d.png", $0 * 17) }
        return try PatchCoreTeacher(network: network, settings: settings)
            .teach(count: files.count, source: "bottle subset", image: { try TeachAndInspectTests.image(files[$0]) })
    }

    /// Mean over rows of the cosine between row i of `a` and row i of `b`.
    static func rowCosine(_ a: PatchFeatureMatrix, _ b: PatchFeatureMatrix) -> Double {
        let d = a.dimension
        var sum = 0.0
        for r in 0..<min(a.count, b.count) {
            var dot = 0.0, na = 0.0, nb = 0.0
            for k in (r * d)..<((r + 1) * d) {
                let x = Double(a.values[k]), y = Double(b.values[k])
                dot += x * y; na += x * x; nb += y * y
            }
            sum += dot / (na * nb).squareRoot()
        }
        return sum / Double(min(a.count, b.count))
    }

    func testTheInt8BankHoldsTheFP32BanksPatches() throws {
        let network = try EfficientNetLite0.loadDefault()
        var settings = PatchCoreSettings(coresetRatio: 0.02, precision: .fp32, quantizationImages: 6, biasCorrection: true,
                                         referenceCoreset: false)
        let fp32 = try Self.teach(settings, network: network)
        settings.precision = .int8
        let own = try Self.teach(settings, network: network)
        settings.referenceCoreset = true
        let referenced = try Self.teach(settings, network: network)
        XCTAssertEqual(referenced.bank.count, fp32.bank.count)
        // Same patches in the same (selection) order: row by row the int8 features of the fp32
        // bank's patches; the int8 model's own choice departs from them.
        let same = Self.rowCosine(referenced.bank.features, fp32.bank.features)
        XCTAssertGreaterThan(same, 0.99)
        XCTAssertLessThan(Self.rowCosine(own.bank.features, fp32.bank.features), same - 0.05)
        // The held-out scores (the threshold's data) follow the fp32 ones closely. (Not the
        // threshold itself: 3 standard deviations of two scores magnify every difference.)
        for (a, b) in zip(referenced.calibration.heldOutScores, fp32.calibration.heldOutScores) {
            XCTAssertEqual(a, b, accuracy: 0.02 * b)
        }
    }
}
