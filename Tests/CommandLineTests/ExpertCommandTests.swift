import Foundation
import PatchCore
import XCTest

/// The expert's commands as an operator runs them: real images, real weights, a bad file mixed in.
final class ExpertCommandTests: XCTestCase {
    static let data = EagleEdgeProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path

    func testClassifyRanksTheSanityPhotosAndReportsABadFileWithoutStopping() throws {
        let dir = try scratch()
        let broken = dir.appendingPathComponent("broken.jpg").path
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).write(to: URL(fileURLWithPath: broken))
        let outcome = try EagleEdgeProcess.run(["classify", "--top", "3", Self.data + "/imagenet-sanity/chelsea.png", broken,
                                   Self.data + "/imagenet-sanity/coffee.png"])
        XCTAssertEqual(outcome.status, 1, "a bad file makes the exit status non-zero")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let chelsea = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("chelsea.png") })
        XCTAssertTrue(lines[chelsea + 1].contains("282") && lines[chelsea + 1].contains("tiger cat"), lines[chelsea + 1])
        let coffee = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("coffee.png") }, "the file after the bad one is still classified")
        XCTAssertTrue(lines[coffee + 1].contains("espresso"), lines[coffee + 1])
        XCTAssertTrue(outcome.stderr.contains("broken.jpg"), outcome.stderr)
    }

    func testTeachThenInspectWithHeatmapsAndABadImage() throws {
        let dir = try scratch()
        let good = dir.appendingPathComponent("good")
        try FileManager.default.createDirectory(at: good, withIntermediateDirectories: true)
        for i in 0..<10 {
            let name = String(format: "%03d.png", i * 20)
            try FileManager.default.copyItem(atPath: Self.data + "/mvtec_ad/bottle/train/good/" + name,
                                             toPath: good.appendingPathComponent(name).path)
        }
        let model = dir.appendingPathComponent("bottle.eagle").path
        // Ranges and corrections from 4 of the 10 images: fp32 and int8 passes are slow under qemu.
        let taught = try EagleEdgeProcess.run(["teach", "--coreset-ratio", "0.05", "--quantization-images", "4", "--out", model, good.path])
        XCTAssertEqual(taught.status, 0, taught.stderr)
        XCTAssertTrue(taught.stdout.contains("taught on   10 images (10 scored out of bank for calibration)"), taught.stdout)
        XCTAssertTrue(taught.stdout.contains("bias corrections from 4 images"), taught.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: model))

        let broken = dir.appendingPathComponent("frame.png").path
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: broken))
        let heatmaps = dir.appendingPathComponent("heatmaps").path
        let defect = Self.data + "/mvtec_ad/bottle/test/broken_large/000.png"
        let inspected = try EagleEdgeProcess.run(["inspect", "--model", model, "--heatmaps", heatmaps, "--json", defect, broken,
                                     Self.data + "/mvtec_ad/bottle/test/good/000.png"])
        XCTAssertEqual(inspected.status, 1)
        XCTAssertTrue(inspected.stderr.contains("frame.png"), inspected.stderr)
        let results = try inspected.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(results.count, 2, "both readable images are inspected")
        XCTAssertEqual(results[0]["verdict"] as? String, "reject")
        XCTAssertFalse((results[0]["regions"] as? [Any] ?? []).isEmpty)
        XCTAssertEqual(results[1]["verdict"] as? String, "pass")
        XCTAssertGreaterThan(results[0]["score"] as? Double ?? 0, results[1]["score"] as? Double ?? 0)
        // Named after folder and file: two 000.png from different folders do not collide.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: heatmaps).sorted(),
                       ["broken_large_000_overlay.png", "good_000_overlay.png"])
    }

    /// A plant with a few known-bad parts: they set the threshold with the good parts, and the
    /// model keeps them so the line can aim at another false-reject target later.
    func testTeachWithKnownDefectsCatchesThemWithinTheTarget() throws {
        let dir = try scratch()
        let good = dir.appendingPathComponent("good"), bad = dir.appendingPathComponent("bad")
        for folder in [good, bad] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        for i in 0..<10 {
            let name = String(format: "%03d.png", i * 20)
            try FileManager.default.copyItem(atPath: Self.data + "/mvtec_ad/bottle/train/good/" + name,
                                             toPath: good.appendingPathComponent(name).path)
        }
        for type in ["broken_large", "broken_small", "contamination"] {
            for i in 0..<2 {
                let name = String(format: "%03d.png", i)
                try FileManager.default.copyItem(atPath: "\(Self.data)/mvtec_ad/bottle/test/\(type)/\(name)",
                                                 toPath: bad.appendingPathComponent("\(type)_\(name)").path)
            }
        }
        let model = dir.appendingPathComponent("bottle.eagle").path
        let taught = try EagleEdgeProcess.run(["teach", "--precision", "fp32", "--coreset-ratio", "0.05", "--defects", bad.path,
                                               "--false-reject-target", "0.05", "--out", model, good.path])
        XCTAssertEqual(taught.status, 0, taught.stderr)
        XCTAssertTrue(taught.stdout.contains("defects     6 known-bad images: 6 score at or above the threshold"), taught.stdout)
        XCTAssertTrue(taught.stdout.contains("k = 5: "), "the stability table: \(taught.stdout)")
        XCTAssertTrue(taught.stdout.contains("threshold   ") && taught.stdout.contains("5 % Pareto tail and 6 known defects"), taught.stdout)

        let loaded = try ModelFile.load(model)
        guard case .knownDefects(0.05, let scores) = loaded.calibration.rule else {
            return XCTFail("the model keeps the known defects: \(loaded.calibration.rule)")
        }
        XCTAssertEqual(scores.count, 6)
        let floor = loaded.calibration.with(.paretoTail(falseRejectTarget: 0.05)).threshold
        XCTAssertGreaterThanOrEqual(loaded.calibration.threshold, floor, "never more false rejects than the target allows")
        XCTAssertLessThanOrEqual(loaded.calibration.threshold, Double(scores.min() ?? 0), "every known defect caught")

        // Without known defects the target alone sets the label-free rule the model keeps.
        let aimed = try EagleEdgeProcess.run(["teach", "--precision", "fp32", "--coreset-ratio", "0.05",
                                              "--false-reject-target", "0.03", "--out", model, good.path])
        XCTAssertEqual(aimed.status, 0, aimed.stderr)
        XCTAssertTrue(aimed.stdout.contains("3 % Pareto tail of 10 out-of-bank scores"), aimed.stdout)
        XCTAssertEqual(try ModelFile.load(model).calibration.rule, .paretoTail(falseRejectTarget: 0.03))

        // Refused before teaching: a target out of range, an empty folder, a path that is not there.
        let wild = try EagleEdgeProcess.run(["teach", "--false-reject-target", "0.7", "--out", model, good.path])
        XCTAssertNotEqual(wild.status, 0)
        XCTAssertTrue(wild.stderr.contains("--false-reject-target 0.7 is outside"), wild.stderr)
        XCTAssertFalse(wild.stderr.contains("teach ["), "nothing taught first")
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try EagleEdgeProcess.run(["teach", "--defects", empty.path, "--out", model, good.path])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("no images found in --defects"), none.stderr)
        let missing = try EagleEdgeProcess.run(["teach", "--defects", dir.appendingPathComponent("none.png").path, "--out", model, good.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--defects: no such file or folder"), missing.stderr)
        XCTAssertFalse(missing.stderr.contains("teach ["), "nothing taught first")
    }

    func testATruncatedModelIsRefusedInOneSentence() throws {
        let dir = try scratch()
        let model = dir.appendingPathComponent("cut.eagle").path
        try Data(repeating: 0x42, count: 100).write(to: URL(fileURLWithPath: model))
        let outcome = try EagleEdgeProcess.run(["inspect", "--model", model, Self.data + "/mvtec_ad/bottle/test/good/000.png"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.hasPrefix("eagle-edge: model file \(model): "), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    }

    func testEvalOnASmallMVTecLayoutWritesJSONAndAnHTMLReport() throws {
        let dir = try scratch()
        let bottle = Self.data + "/mvtec_ad/bottle"
        func copy(_ relative: String) throws {
            let target = dir.appendingPathComponent("mini/" + relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bottle + "/" + relative, toPath: target.path)
        }
        // Small, because this runs under qemu-user too: 5 teach images (one held out), 2 + 2 tests.
        for i in 0..<5 { try copy(String(format: "train/good/%03d.png", i * 40)) }
        for i in 0..<2 { try copy(String(format: "test/good/%03d.png", i)) }
        for i in 0..<2 {
            try copy(String(format: "test/broken_large/%03d.png", i))
            try copy(String(format: "ground_truth/broken_large/%03d_mask.png", i))
        }
        let report = dir.appendingPathComponent("report").path
        let outcome = try EagleEdgeProcess.run(["eval", "--coreset-ratio", "0.05", "--quantization-images", "2", "--precision", "int8,fp32", "--json",
                                                "--report", report, dir.appendingPathComponent("mini").path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let runs = try XCTUnwrap(top["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["precision"] as? String }, ["int8", "fp32"])
        for json in runs {
            XCTAssertEqual(json["image_auroc"] as? Double, 1, "two broken bottles against two good ones")
            XCTAssertNotNil(json["pixel_auroc"] as? Double)
            XCTAssertNotNil(json["pro"] as? Double)
            XCTAssertEqual((json["images"] as? [Any])?.count, 4)
        }
        let parity = try XCTUnwrap(top["parity"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(parity["mean_feature_cosine"] as? Double), 0.97, "int8 features follow fp32")
        XCTAssertEqual(parity["images"] as? Int, 4)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/fp32/index.html"), "the second precision's report")
        let html = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        XCTAssertTrue(html.contains("<polyline"), "the ROC curve is inline SVG")
        XCTAssertTrue(html.contains("broken_large"))
        let overlays = try FileManager.default.contentsOfDirectory(atPath: report).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertEqual(overlays, ["defect-0.png", "defect-1.png", "good-0.png", "good-1.png"])
        for name in overlays { XCTAssertTrue(html.contains("src=\"\(name)\""), name) }
    }
}
