import Foundation
import Kernels
import SeededRandom
import Storage
import XCTest
@testable import PatchCore

final class ModelFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func sampleModel(rows: Int = 300) -> PatchCoreModel {
        var rng = SplitMix64(seed: 77)
        let settings = PatchCoreSettings(taps: [FeatureTap(block: 4), FeatureTap(block: 10)], tapDimension: nil, coresetRatio: 0.05, seed: 9,
                                         precision: .fp32)
        let bank = PatchFeatureMatrix(count: rows, dimension: 152, values: (0..<(rows * 152)).map { _ in rng.nextGaussian() })
        return PatchCoreModel(
            settings: settings, bank: MemoryBank(features: bank),
            calibration: Calibration(heldOutScores: [3, 4, 5, 4.5, 3.5], sigmas: 3),
            provenance: .init(weightsSHA256: "abc123", createdAt: 1_795_305_600, teachImageCount: 25, heldOutImageCount: 5,
                              teachPatchCount: 19_600, teachSource: "unit test", teachSeconds: 1.5))
    }

    private func assertModelFileError(_ file: String, contains text: String, line: UInt = #line) {
        XCTAssertThrowsError(try ModelFile.load(file), line: line) { error in
            guard case PatchCoreError.modelFile(let p, let reason) = error else {
                return XCTFail("expected a model file error, got \(error)", line: line)
            }
            XCTAssertEqual(p, file, line: line)
            XCTAssertTrue(reason.contains(text), "'\(reason)' does not mention '\(text)'", line: line)
        }
    }

    func testSaveAndLoadGiveTheSameModel() throws {
        let model = Self.sampleModel()
        try ModelFile.save(model, to: path("m.eagle"))
        let loaded = try ModelFile.load(path("m.eagle"))
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["m.eagle"], "no temporary file left")
    }

    func testEveryThresholdRuleComesBackWithTheSameThreshold() throws {
        let rules: [ThresholdRule] = [.sigmas(2.5), .quantile(falseRejectTarget: 0.2), .paretoTail(falseRejectTarget: 0.02),
                                      .knownDefects(falseRejectTarget: 0.02, defectScores: [4.2, 6, 9.5])]
        for (index, rule) in rules.enumerated() {
            var model = Self.sampleModel()
            model.calibration = model.calibration.with(rule)
            try ModelFile.save(model, to: path("rule\(index).eagle"))
            let loaded = try ModelFile.load(path("rule\(index).eagle"))
            XCTAssertEqual(loaded.calibration.rule, rule)
            XCTAssertEqual(loaded.calibration.threshold, model.calibration.threshold)
        }
    }

    func testAVersion3FileIsReadWithItsSigmaThreshold() throws {
        let model = Self.sampleModel()
        try ModelFile.save(model, to: path("v3.eagle"))
        // What a version 3 build wrote: no rule in the settings, whose checksum then covers one key less.
        let db = try SQLiteDatabase(path: path("v3.eagle"), mode: .readWrite)
        try db.execute("DELETE FROM meta WHERE key IN ('threshold_rule', 'augment', 'flatten_sigma', 'line_evidence', 'score_fusion', 'meta_crc32')")
        var meta = ModelFile.metadata(of: model)
        meta["threshold_rule"] = nil
        meta["augment"] = nil
        meta["flatten_sigma"] = nil
        meta["line_evidence"] = nil
        meta["score_fusion"] = nil
        try db.execute("INSERT INTO meta (key, value) VALUES ('meta_crc32', '\(ModelFile.metaChecksum(meta))')")
        try db.setUserVersion(3)
        let loaded = try ModelFile.load(path("v3.eagle"))
        XCTAssertEqual(loaded.calibration.rule, .sigmas(3))
        XCTAssertEqual(loaded, model)
    }

    func testAFlatteningModelKeepsItsSigmaAndABadOneIsRefused() throws {
        var model = Self.sampleModel()
        model.settings.flattenSigma = 6.5
        try ModelFile.save(model, to: path("flat.eagle"))
        XCTAssertEqual(try ModelFile.load(path("flat.eagle")).settings.flattenSigma, 6.5)
        XCTAssertEqual(try ModelFile.load(path("flat.eagle")), model)

        model.settings.flattenSigma = 0
        XCTAssertThrowsError(try model.settings.validate()) { XCTAssertTrue("\($0)".contains("flattening sigma"), "\($0)") }
    }

    static func lineEvidenceModel() -> PatchCoreModel {
        var model = sampleModel()
        model.settings.fit = .stretch
        model.settings.lineEvidence = LineEvidence(sigma: 1.5, offset: 4, length: 41)
        model.scoreFusion = ScoreFusion(patchCenter: 20.5, patchSpread: 1.25, lineCenter: 11, lineSpread: 2.5)
        return model
    }

    func testALineEvidenceModelKeepsItsFusionAndAnEditedOneIsRefused() throws {
        let model = Self.lineEvidenceModel()
        try ModelFile.save(model, to: path("lines.eagle"))
        let loaded = try ModelFile.load(path("lines.eagle"))
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(loaded.settings.lineEvidence?.storedName, "1.5:4:41")
        XCTAssertEqual(loaded.scoreFusion?.lineSpread, 2.5)

        // Settings rewritten with a valid checksum, as a careless tool would: still refused.
        for (value, complaint) in [("20.5,0,11,2.5", "score_fusion"), ("20.5,1.25,11", "score_fusion"), ("", "score_fusion")] {
            let db = try SQLiteDatabase(path: path("lines.eagle"), mode: .readWrite)
            var meta = ModelFile.metadata(of: model)
            meta["score_fusion"] = value
            try db.execute("UPDATE meta SET value = '\(value)' WHERE key = 'score_fusion'")
            try db.execute("UPDATE meta SET value = '\(ModelFile.metaChecksum(meta))' WHERE key = 'meta_crc32'")
            assertModelFileError(path("lines.eagle"), contains: complaint)
        }
    }

    func testAKnownDefectModelWithoutItsDefectScoresIsRefused() throws {
        var model = Self.sampleModel()
        model.calibration = model.calibration.with(.knownDefects(falseRejectTarget: 0.02, defectScores: [6, 7]))
        try ModelFile.save(model, to: path("defects.eagle"))
        try SQLiteDatabase(path: path("defects.eagle"), mode: .readWrite).execute("DELETE FROM tensors WHERE name = 'defect_scores'")
        assertModelFileError(path("defects.eagle"), contains: "tensor 'defect_scores' is missing")
    }

    func testInt8ModelKeepsItsActivationRanges() throws {
        var model = Self.sampleModel()
        model.settings.precision = .int8
        model.settings.biasCorrection = false
        model.activationRanges = try ActivationRanges(names: ["stem", "block0.depthwise", "block0.project"],
                                                      minimums: [0, 0, -3.25], maximums: [6, 5.5, 4.125])
        try ModelFile.save(model, to: path("int8.eagle"))
        let loaded = try ModelFile.load(path("int8.eagle"))
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(try loaded.activationRanges?.parameters("block0.project"),
                       QuantizationParameters(min: -3.25, max: 4.125))

        // An int8 model without ranges cannot be saved, and one whose ranges went missing cannot be loaded.
        var incomplete = model
        incomplete.activationRanges = nil
        XCTAssertThrowsError(try ModelFile.save(incomplete, to: path("incomplete.eagle")))
        try SQLiteDatabase(path: path("int8.eagle"), mode: .readWrite).execute("DELETE FROM tensors WHERE name = 'activation_ranges'")
        assertModelFileError(path("int8.eagle"), contains: "tensor 'activation_ranges' is missing")
    }

    func testInt8ModelKeepsItsBiasCorrections() throws {
        var model = Self.sampleModel()
        model.settings.precision = .int8
        model.settings.biasCorrection = true
        model.settings.referenceCoreset = true
        model.activationRanges = try ActivationRanges(names: ["stem", "block0.depthwise", "block0.project"],
                                                      minimums: [0, 0, -3.25], maximums: [6, 5.5, 4.125])
        model.biasCorrections = try BiasCorrections(layers: ["stem", "block0.depthwise", "block0.project"],
                                                    values: [[12, -7, 0], [BiasCorrections.limit, -BiasCorrections.limit], [-1]])
        try ModelFile.save(model, to: path("bc.eagle"))
        let loaded = try ModelFile.load(path("bc.eagle"))
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(loaded.biasCorrections?.correction("block0.depthwise"), [1 << 22, -(1 << 22)])

        // Without the setting nothing is stored (and nothing comes back); with it, they are required.
        var off = model
        off.settings.biasCorrection = false
        try ModelFile.save(off, to: path("off.eagle"))
        XCTAssertNil(try ModelFile.load(path("off.eagle")).biasCorrections)
        var incomplete = model
        incomplete.biasCorrections = nil
        XCTAssertThrowsError(try ModelFile.save(incomplete, to: path("incomplete.eagle")))

        // Values that are not integers (written with a valid checksum) and a missing tensor are refused.
        let halves = [Float](repeating: 0.5, count: 6).withUnsafeBytes { Array($0) }
        let db = try SQLiteDatabase(path: path("bc.eagle"), mode: .readWrite)
        try db.prepare("UPDATE tensors SET data = ?, crc32 = ? WHERE name = 'bias_corrections'")
            .run([.blob(halves), .integer(Int64(CRC32.checksum(halves)))])
        assertModelFileError(path("bc.eagle"), contains: "bias corrections of 'stem' are not integers")
        try db.execute("DELETE FROM tensors WHERE name = 'bias_corrections'")
        assertModelFileError(path("bc.eagle"), contains: "tensor 'bias_corrections' is missing")
    }

    func testSavingReplacesAnExistingModel() throws {
        try ModelFile.save(Self.sampleModel(rows: 10), to: path("m.eagle"))
        try ModelFile.save(Self.sampleModel(rows: 20), to: path("m.eagle"))
        XCTAssertEqual(try ModelFile.load(path("m.eagle")).bank.count, 20)
    }

    func testTruncatedFilesAreRefused() throws {
        try ModelFile.save(Self.sampleModel(), to: path("m.eagle"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("m.eagle")))
        for fraction in [0.0, 0.01, 0.3, 0.6, 0.9, 0.99] {
            let cut = path("cut-\(fraction).eagle")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            XCTAssertThrowsError(try ModelFile.load(cut), "cut at \(fraction)") { error in
                XCTAssertTrue(error is PatchCoreError, "\(error)")
            }
        }
    }

    func testCorruptedBankIsCaughtByItsChecksum() throws {
        try ModelFile.save(Self.sampleModel(), to: path("m.eagle"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("m.eagle"))))
        // Flip bytes in the middle of the file: inside the bank's float data.
        for i in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 8) { bytes[i] ^= 0x40 }
        try Data(bytes).write(to: URL(fileURLWithPath: path("flipped.eagle")))
        XCTAssertThrowsError(try ModelFile.load(path("flipped.eagle"))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("checksum mismatch") || text.contains("damaged"), text)
        }
    }

    func testWrongVersionEditedSettingsAndForeignFiles() throws {
        XCTAssertEqual(ModelFile.formatVersion, 5)
        try ModelFile.save(Self.sampleModel(), to: path("v6.eagle"))
        try SQLiteDatabase(path: path("v6.eagle"), mode: .readWrite).setUserVersion(6)
        assertModelFileError(path("v6.eagle"), contains: "format version 6; this build reads versions 3 to 5: use a newer build")
        // Version 2 (activation ranges, no bias corrections) is refused like every older format.
        try ModelFile.save(Self.sampleModel(), to: path("v2.eagle"))
        try SQLiteDatabase(path: path("v2.eagle"), mode: .readWrite).setUserVersion(2)
        assertModelFileError(path("v2.eagle"), contains: "format version 2; this build reads versions 3 to 5: teach the model again")
        try ModelFile.save(Self.sampleModel(), to: path("v1.eagle"))
        try SQLiteDatabase(path: path("v1.eagle"), mode: .readWrite).setUserVersion(1)
        assertModelFileError(path("v1.eagle"), contains: "teach the model again")

        try ModelFile.save(Self.sampleModel(), to: path("edited.eagle"))
        try SQLiteDatabase(path: path("edited.eagle"), mode: .readWrite).execute("UPDATE meta SET value = '0.5' WHERE key = 'coreset_ratio'")
        assertModelFileError(path("edited.eagle"), contains: "settings checksum mismatch")

        try SQLiteDatabase(path: path("other.sqlite")).execute("CREATE TABLE t (x)")
        assertModelFileError(path("other.sqlite"), contains: "not an EagleEdge model file")

        try Data("just text\n".utf8).write(to: URL(fileURLWithPath: path("text.eagle")))
        assertModelFileError(path("text.eagle"), contains: "damaged")

        assertModelFileError(path("absent.eagle"), contains: "no such file")
    }

    func testCalibrationThresholdAndNormalisation() {
        let c = Calibration(heldOutScores: [2, 4, 4, 4, 5, 5, 7, 9], sigmas: 3)
        // mean 5, sample std sqrt(32 / 7) = 2.138
        XCTAssertEqual(c.mean, 5, accuracy: 1e-9)
        XCTAssertEqual(c.standardDeviation, (32.0 / 7).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(c.threshold, 5 + 3 * (32.0 / 7).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(c.normalized(c.mean), 0, accuracy: 1e-12)
        XCTAssertEqual(c.normalized(c.threshold), 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.normalized(2 * c.threshold - c.mean), 1, accuracy: 1e-12)
        XCTAssertEqual(c.normalized(1000), 1)
        XCTAssertEqual(c.normalized(-5), 0)
        XCTAssertEqual(c.quantileThreshold(falseRejectRate: 0), 9)
        XCTAssertEqual(c.quantileThreshold(falseRejectRate: 1), 2)
        XCTAssertEqual(c.heldOutFalseRejectRate, 0)
    }
}
