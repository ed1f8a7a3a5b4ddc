import Foundation
import Imaging
import XCTest
@testable import PatchCore

/// Teaching and inspecting on real MVTec AD bottle images, kept small enough to run under qemu:
/// 20 good parts taught, 8 good and 12 defective parts inspected.
final class TeachAndInspectTests: XCTestCase {
    static let bottle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/mvtec_ad/bottle").path

    static func image(_ relative: String) throws -> RGBImage { try ImageFile.readRGB(bottle + "/" + relative) }

    static let taught = Result { () throws -> (PatchCoreExpert, PatchCoreModel) in
        let network = try EfficientNetLite0.loadDefault()
        let files = (0..<20).map { String(format: "train/good/%03d.png", $0 * 10) }
        // Ranges and bias corrections from 8 of the 20 (the default takes up to 32): each costs fp32
        // and int8 passes, which are slow under qemu.
        let model = try PatchCoreTeacher(network: network, settings: PatchCoreSettings(coresetRatio: 0.05, quantizationImages: 8))
            .teach(count: files.count, source: "bottle subset", image: { try image(files[$0]) })
        return (try PatchCoreExpert(network: network, model: model), model)
    }

    /// Cross-fitting scores every teach image out of bank; its last fold is exactly the one
    /// share a plain teach holds out, against the same bank, so those scores are the same.
    func testCrossFittingScoresEveryTeachImageAndKeepsThePlainHeldOutScores() throws {
        let network = try EfficientNetLite0.loadDefault()
        let files = (0..<10).map { String(format: "train/good/%03d.png", $0 * 20) }
        func teach(crossFit: Bool) throws -> PatchCoreModel {
            try PatchCoreTeacher(network: network, settings: PatchCoreSettings(coresetRatio: 0.05, crossFit: crossFit, precision: .fp32))
                .teach(count: files.count, source: "bottle subset", image: { try Self.image(files[$0]) })
        }
        let plain = try teach(crossFit: false), crossFitted = try teach(crossFit: true)
        XCTAssertEqual(plain.provenance.heldOutImageCount, 2)
        XCTAssertEqual(crossFitted.provenance.heldOutImageCount, 10)
        XCTAssertEqual(crossFitted.calibration.heldOutScores.count, 10)
        XCTAssertTrue(Set(plain.calibration.heldOutScores).isSubset(of: Set(crossFitted.calibration.heldOutScores)),
                      "\(plain.calibration.heldOutScores) in \(crossFitted.calibration.heldOutScores)")
        XCTAssertEqual(crossFitted.bank.count, plain.bank.count)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crossfit-\(UUID().uuidString).eagle").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(crossFitted, to: path)
        let reloaded = try ModelFile.load(path)
        XCTAssertTrue(reloaded.settings.crossFit)
        XCTAssertEqual(reloaded.calibration, crossFitted.calibration)
    }

    /// A part that arrives turned a quarter: a model taught with that re-orientation knows it,
    /// a plain one sees an anomaly. Each teach image gives its turned copy to the bank too.
    func testAugmentationTeachesTheBankPartsInOtherOrientations() throws {
        let network = try EfficientNetLite0.loadDefault()
        let files = (0..<10).map { String(format: "train/good/%03d.png", $0 * 20) }
        func teach(_ augment: [Orientation]) throws -> PatchCoreModel {
            try PatchCoreTeacher(network: network, settings: PatchCoreSettings(coresetRatio: 0.05, precision: .fp32, augment: augment))
                .teach(count: files.count, source: "bottle subset", image: { try Self.image(files[$0]) })
        }
        let plain = try teach([]), turned = try teach([.rotate90])
        XCTAssertEqual(turned.provenance.teachPatchCount, 2 * plain.provenance.teachPatchCount)
        XCTAssertEqual(turned.calibration.heldOutScores.count, 10, "each teach image is scored once, as it came")
        let part = try Self.image("test/good/003.png").oriented(.rotate90)
        let plainScore = try PatchCoreExpert(network: network, model: plain).inspect(part).score
        let turnedScore = try PatchCoreExpert(network: network, model: turned).inspect(part).score
        XCTAssertLessThan(turnedScore, plainScore)
        XCTAssertLessThan(turnedScore, turned.calibration.threshold, "a good part turned a quarter passes")

        var oblong = PatchCoreSettings(fit: .stretch, inputWidth: 224, inputHeight: 560, augment: [.flipVertical, .rotate90])
        XCTAssertThrowsError(try oblong.validate()) { XCTAssertTrue("\($0)".contains("quarter turns need a square input"), "\($0)") }
        oblong.augment = [.flipVertical, .rotate180]
        XCTAssertNoThrow(try oblong.validate())
    }

    /// Lighting that changed after teaching (a lamp a quarter dimmer): a model that flattens its
    /// input passes the good part as before, while a plain one rejects it.
    func testFlatteningPassesAGoodPartUnderDimmerLighting() throws {
        let network = try EfficientNetLite0.loadDefault()
        let files = (0..<10).map { String(format: "train/good/%03d.png", $0 * 20) }
        func teach(flatten sigma: Float?) throws -> PatchCoreModel {
            try PatchCoreTeacher(network: network, settings: PatchCoreSettings(coresetRatio: 0.05, precision: .fp32, flattenSigma: sigma))
                .teach(count: files.count, source: "bottle subset", image: { try Self.image(files[$0]) })
        }
        let plain = try teach(flatten: nil), flat = try teach(flatten: 8)
        let part = try Self.image("test/good/003.png")
        var dimmer = part
        for i in dimmer.pixels.indices { dimmer.pixels[i] = UInt8(Int(dimmer.pixels[i]) * 3 / 4) }
        let plainExpert = try PatchCoreExpert(network: network, model: plain)
        let flatExpert = try PatchCoreExpert(network: network, model: flat)
        XCTAssertLessThan(try plainExpert.inspect(part).score, plain.calibration.threshold, "the part is good")
        XCTAssertLessThan(try flatExpert.inspect(part).score, flat.calibration.threshold, "the part is good")
        XCTAssertGreaterThan(try plainExpert.inspect(dimmer).score, plain.calibration.threshold, "the plain model sees the dimmer light as a defect")
        XCTAssertLessThan(try flatExpert.inspect(dimmer).score, flat.calibration.threshold, "the flattening model passes the part")
    }

    func testDefectsScoreAboveGoodPartsAndTheThresholdSeparatesThem() throws {
        let (expert, model) = try Self.taught.get()
        XCTAssertEqual(model.provenance.teachImageCount, 20)
        XCTAssertEqual(model.provenance.heldOutImageCount, 20, "cross-fitted: every teach image scored out of bank")
        XCTAssertEqual(model.bank.count, Int((20.0 * 784 * 0.05).rounded()))
        var scores: [Double] = [], labels: [Bool] = []
        for i in 0..<8 {
            scores.append(try expert.inspect(Self.image(String(format: "test/good/%03d.png", i * 2))).score)
            labels.append(false)
        }
        for type in ["broken_large", "broken_small", "contamination"] {
            for i in 0..<4 {
                scores.append(try expert.inspect(Self.image(String(format: "test/\(type)/%03d.png", i * 3))).score)
                labels.append(true)
            }
        }
        XCTAssertGreaterThanOrEqual(try auroc(scores: scores, labels: labels), 0.95, "scores \(scores)")
        let metrics = try ThresholdMetrics(scores: scores, labels: labels, threshold: model.calibration.threshold)
        XCTAssertGreaterThanOrEqual(metrics.accuracy ?? 0, 0.8, "threshold \(model.calibration.threshold), scores \(scores)")
    }

    func testTheAnomalyMapPointsAtTheDefect() throws {
        let (expert, _) = try Self.taught.get()
        let result = try expert.inspect(Self.image("test/broken_large/000.png"))
        XCTAssertEqual([result.anomalyMap.width, result.anomalyMap.height], [224, 224])
        let mask = try PatchCoreExpert.preprocess(ImageFile.readGray(Self.bottle + "/ground_truth/broken_large/000_mask.png"),
                                                  settings: expert.model.settings, filter: .bilinear)
        let peak = try XCTUnwrap(result.anomalyMap.maximum)
        // The hottest pixel lies on (or within 12 px of) the annotated defect.
        var near = false
        for y in max(0, peak.y - 12)...min(223, peak.y + 12) {
            for x in max(0, peak.x - 12)...min(223, peak.x + 12) where mask.pixels[y * 224 + x] > 127 { near = true }
        }
        XCTAssertTrue(near, "peak at \(peak.x),\(peak.y) is far from the mask")
        let regions = SuspectRegionFinder().regions(in: result.anomalyMap)
        XCTAssertFalse(regions.isEmpty)
        XCTAssertTrue(regions[0].box.contains(Rect(x: peak.x, y: peak.y, width: 1, height: 1)))
    }

    func testASavedModelScoresExactlyLikeTheTaughtOne() throws {
        let (expert, model) = try Self.taught.get()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-\(UUID().uuidString).eagle").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try ModelFile.save(model, to: file)
        let reloaded = try PatchCoreExpert(network: expert.network, model: ModelFile.load(file))
        let image = try Self.image("test/contamination/005.png")
        XCTAssertEqual(try reloaded.inspect(image).score, try expert.inspect(image).score)
    }
}
