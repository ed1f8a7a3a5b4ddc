import Imaging
import SeededRandom
import XCTest
@testable import PatchCore

final class LineEvidenceTests: XCTestCase {
    func testStoredNameRoundTripsAndBadOnesAreRefused() {
        let lines = LineEvidence(sigma: 1.5, offset: 4, length: 41)
        XCTAssertEqual(LineEvidence(storedName: lines.storedName), lines)
        XCTAssertEqual(LineEvidence(storedName: "1:3:31"), LineEvidence())
        for bad in ["", "1:3", "1:3:31:4", "a:3:31", "1:3.5:31", "1::31"] {
            XCTAssertNil(LineEvidence(storedName: bad), bad)
        }
    }

    func testSettingsNameWhatDoesNotGoWithLineEvidence() {
        func complaint(_ change: (inout PatchCoreSettings) -> Void) -> String {
            var settings = PatchCoreSettings(fit: .stretch, inputWidth: 64, inputHeight: 800, lineEvidence: LineEvidence())
            change(&settings)
            do { try settings.validate() } catch { return "\(error)" }
            return ""
        }
        XCTAssertEqual(complaint { _ in }, "")
        XCTAssertEqual(complaint { $0.augment = [.flipVertical] }, "", "teach copies go to the bank, only the frame itself is scored")
        XCTAssertTrue(complaint { $0.fit = .centerCrop(resize: 900) }.contains("stretch fit"))
        XCTAssertTrue(complaint { $0.reweighting = true }.contains("re-weighting"))
        XCTAssertTrue(complaint { $0.lineEvidence?.offset = 0 }.contains("offset"))
        XCTAssertTrue(complaint { $0.lineEvidence?.length = 0 }.contains("length"))
        XCTAssertTrue(complaint { $0.lineEvidence?.sigma = -1 }.contains("sigma"))
    }

    /// A model with line evidence, a bank of one plain grey frame's patches: every other patch
    /// of that frame is as near the bank as the teach image's, so what moves the score is the
    /// line drawn across the part.
    func testAThinLineAcrossTheFrameRaisesTheScoreWhereItIs() throws {
        let network = try EfficientNetLite0.loadDefault()
        var settings = PatchCoreSettings(fit: .stretch, inputWidth: 64, inputHeight: 256, tapDimension: nil, precision: .fp32,
                                         lineEvidence: LineEvidence())
        settings.crossFit = false
        var grey = RGBImage(width: 200, height: 600, fill: 140)
        var rng = SplitMix64(seed: 3)
        for i in 0..<grey.pixels.count / 3 {
            let v = UInt8(130 + Int(rng.next() % 20))
            for c in 0..<3 { grey.pixels[3 * i + c] = v }
        }
        let teach = (0..<5).map { _ in grey }
        let model = try PatchCoreTeacher(network: network, settings: settings).teach(count: teach.count, source: "grey", image: { teach[$0] })
        let fusion = try XCTUnwrap(model.scoreFusion)
        let expert = try PatchCoreExpert(network: network, model: model)
        var cracked = grey
        for x in 40..<160 { for y in 400...401 { for c in 0..<3 { cracked.pixels[3 * (y * 200 + x) + c] = 60 } } }
        let plain = try expert.inspect(grey), line = try expert.inspect(cracked)
        XCTAssertGreaterThan(line.score, plain.score + 3, "three spreads of the good parts above")
        let worst = try XCTUnwrap(line.patchScores.maximum)
        XCTAssertEqual(Double(worst.y) / Double(line.patchScores.height), 400.0 / 600, accuracy: 0.05, "the highest patch sits on the line")

        // The score is the fused patch scores' largest, from the frame's own contrast.
        let crop = try expert.preprocess(cracked)
        let features = try expert.patchFeatures(taps: expert.tapFeatures(of: crop))
        let distances = try expert.search(features.matrix).distances
        let pooled = try LineEvidence().contrast(of: cracked).maxPooled(width: features.gridWidth, height: features.gridHeight)
        XCTAssertEqual(line.score, Double(try fusion.fused(distances: distances, lines: pooled.values).max() ?? 0), accuracy: 1e-4)

        XCTAssertThrowsError(try expert.inspect(crop: crop)) { XCTAssertTrue("\($0)".contains("line contrast"), "\($0)") }
        var unfused = model
        unfused.scoreFusion = nil
        XCTAssertThrowsError(try PatchCoreExpert(network: network, model: unfused))
    }
}
