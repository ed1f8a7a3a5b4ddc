import Foundation
import XCTest

/// `eagle-edge bench` as a developer runs it: figures per model and thread count, ratios, JSON.
final class BenchCommandTests: XCTestCase {
    /// The same model twice (the models take turns on the same frames, so both see the same
    /// scores), every stage reported, one ratio row; kept tiny because it runs under qemu too.
    func testJSONReportsEveryStageAndModelsSeeTheSameFrames() throws {
        let dir = try scratch()
        let bottle = ExpertCommandTests.data + "/mvtec_ad/bottle"
        let good = dir.appendingPathComponent("good")
        try FileManager.default.createDirectory(at: good, withIntermediateDirectories: true)
        for i in 0..<5 {   // the fewest teach allows: one is held out for calibration
            let name = String(format: "%03d.png", i * 40)
            try FileManager.default.copyItem(atPath: bottle + "/train/good/" + name, toPath: good.appendingPathComponent(name).path)
        }
        let model = dir.appendingPathComponent("m.eagle").path
        let taught = try EagleEdgeProcess.run(["teach", "--precision", "fp32", "--coreset-ratio", "0.05", "--out", model, good.path])
        XCTAssertEqual(taught.status, 0, taught.stderr)

        let frames = [bottle + "/test/good/000.png", bottle + "/test/broken_large/000.png"]
        let outcome = try EagleEdgeProcess.run(["bench", "--model", model, "--model", model, "--thread-counts", "1",
                                                "--frames", "2", "--warmup", "0", "--json"] + frames)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(top["frames"] as? Int, 2)
        XCTAssertGreaterThan(top["peak_rss_mib"] as? Double ?? 0, 1)
        let runs = try XCTUnwrap(top["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 2)
        for run in runs {
            XCTAssertEqual(run["precision"] as? String, "fp32")
            let stages = try XCTUnwrap(run["stages"] as? [String: [String: Double]])
            XCTAssertEqual(Set(stages.keys), ["decode", "resize+crop", "backbone", "features", "search", "map+blur", "expert", "frame"])
            for (name, s) in stages {
                let median = try XCTUnwrap(s["median_ms"]), p90 = try XCTUnwrap(s["p90_ms"])
                XCTAssertGreaterThan(median, 0, name)
                XCTAssertGreaterThanOrEqual(p90, median, name)
            }
            XCTAssertGreaterThan(stages["frame"]?["median_ms"] ?? 0, stages["backbone"]?["median_ms"] ?? .infinity)
        }
        // Same model, same frames in the same order: the same mean score.
        XCTAssertEqual(runs[0]["mean_score"] as? Double, runs[1]["mean_score"] as? Double)
        XCTAssertGreaterThan(runs[0]["mean_score"] as? Double ?? 0, 0)
        let speedups = try XCTUnwrap(top["speedups"] as? [[String: Any]])
        XCTAssertEqual(speedups.count, 1)
        XCTAssertEqual(Set((speedups.first?["ratios"] as? [String: Double] ?? [:]).keys), ["backbone", "search", "expert", "frame"])
    }

    func testAMissingModelIsNamed() throws {
        let missing = try scratch().appendingPathComponent("absent.eagle").path
        let outcome = try EagleEdgeProcess.run(["bench", "--model", missing, ExpertCommandTests.data + "/mvtec_ad/bottle/test/good/000.png"])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stderr.contains("absent.eagle"), outcome.stderr)
    }
}
