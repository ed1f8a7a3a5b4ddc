import Foundation
import XCTest
@testable import PatchCore

final class EvaluationReportJSONTests: XCTestCase {
    private func object(_ parity: PrecisionParity?) throws -> [String: Any] {
        let model = ReportFixtures.model()
        let json = try EvaluationReportJSON.render([(report: try ReportFixtures.report(), model: model)], parity: parity)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    func testARunCarriesEveryFigureAndMissingOnesAreNull() throws {
        let runs = try XCTUnwrap(try object(nil)["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        let run = runs[0]
        XCTAssertEqual(run["dataset"] as? String, ReportFixtures.dataset)
        XCTAssertEqual(run["split"] as? String, "test: all images")
        XCTAssertEqual(run["precision"] as? String, "int8")
        XCTAssertEqual(run["image_auroc"] as? Double, 0.5)
        XCTAssertTrue(run["pixel_auroc"] is NSNull, "no masks: null, not a number")
        XCTAssertTrue(run["pro"] is NSNull)
        let f1 = try XCTUnwrap(run["f1_max"] as? [String: Double])
        XCTAssertEqual(f1["threshold"], 5)
        XCTAssertEqual(try XCTUnwrap(f1["f1"]), 2.0 / 3, accuracy: 1e-12)
        let at = try XCTUnwrap(run["at_threshold"] as? [String: Any])
        XCTAssertEqual(at["threshold"] as? Double, 3)
        for key in ["accuracy", "f1", "false_reject_rate", "escape_rate"] { XCTAssertEqual(at[key] as? Double, 0.5, key) }
        for key in ["true_positives", "false_positives", "true_negatives", "false_negatives"] { XCTAssertEqual(at[key] as? Int, 1, key) }
        let types = try XCTUnwrap(run["per_defect_type"] as? [[String: Any]])
        XCTAssertEqual(types.map { $0["type"] as? String }, ["crack", "scratch"])
        XCTAssertEqual(types.map { $0["auroc"] as? Double }, [1, 0])
        XCTAssertEqual(types.map { $0["count"] as? Int }, [1, 1])
        XCTAssertEqual(types.map { $0["escaped_at_threshold"] as? Int }, [0, 1])
        XCTAssertEqual(run["mean_inspect_ms"] as? Double, 12.345)
    }

    func testTheOperatingPointHasTargetsSpreadAndCurve() throws {
        let run = try XCTUnwrap((try object(nil)["runs"] as? [[String: Any]])?.first)
        let point = try XCTUnwrap(run["operating_point"] as? [String: Any])
        let targets = try XCTUnwrap(point["targets"] as? [[String: Any]])
        XCTAssertEqual(targets.map { $0["false_reject_target"] as? Double }, [0.01, 0.02, 0.03, 0.05])
        XCTAssertEqual(targets.map { $0["threshold"] as? Double }, [5, 5, 5, 5])
        XCTAssertEqual(targets.map { $0["escaped"] as? Int }, [1, 1, 1, 1])
        let curve = try XCTUnwrap(point["curve"] as? [[String: Any]])
        XCTAssertEqual(curve.count, 5)
        XCTAssertTrue(curve[0]["threshold"] is NSNull, "rejecting nothing has no finite threshold")
        XCTAssertEqual(curve.map { $0["escape_rate"] as? Double }, [1, 0.5, 0.5, 0.5, 0])
        let spread = try XCTUnwrap(point["threshold_spread"] as? [String: Any])
        XCTAssertEqual(spread["redraws"] as? Int, 1000)
        XCTAssertEqual(spread["held_out"] as? Int, 3)
        XCTAssertEqual((spread["false_reject_rate"] as? [Double])?.count, 2)
    }

    func testImagesAndUnreadableFilesRoundTrip() throws {
        let run = try XCTUnwrap((try object(nil)["runs"] as? [[String: Any]])?.first)
        let images = try XCTUnwrap(run["images"] as? [[String: Any]])
        XCTAssertEqual(images.map { $0["path"] as? String }, ReportFixtures.names.map { "/data/" + $0 })
        XCTAssertEqual(images.map { $0["type"] as? String }, ReportFixtures.types)
        XCTAssertEqual(images.map { $0["score"] as? Double }, ReportFixtures.scores)
        XCTAssertEqual(run["unreadable"] as? [[String: String]], [["path": "/data/good/z.png", "reason": "not a PNG"]])
    }

    func testTheModelIsDescribed() throws {
        let run = try XCTUnwrap((try object(nil)["runs"] as? [[String: Any]])?.first)
        let model = try XCTUnwrap(run["model"] as? [String: Any])
        XCTAssertEqual(model["taps"] as? [String], ["block3", "block4", "block10"])
        XCTAssertEqual(model["bank_rows"] as? Int, 2)
        XCTAssertEqual(model["dimension"] as? Int, 4)
        XCTAssertEqual(model["coreset_ratio"] as? Double, 0.01)
        XCTAssertEqual(model["fit"] as? String, "crop256")
        XCTAssertEqual(model["teach_seconds"] as? Double, 1.5)
        XCTAssertEqual(model["bank_mib"] as? Double, 32.0 / 1_048_576)
    }

    func testParityOnlyWhenBothPrecisionsRan() throws {
        XCTAssertNil(try object(nil)["parity"])
        let parity = try XCTUnwrap(try object(ReportFixtures.parity)["parity"] as? [String: Any])
        XCTAssertEqual(parity["mean_feature_cosine"] as? Double, 0.98761)
        XCTAssertEqual(parity["min_feature_cosine"] as? Double, 0.5)
        XCTAssertEqual(parity["image_auroc_delta"] as? Double, -0.0125)
        XCTAssertTrue(parity["pixel_auroc_delta"] is NSNull)
        XCTAssertEqual(parity["verdict_agreement"] as? Double, 0.75)
        XCTAssertEqual(parity["images"] as? Int, 4)
    }

    func testRunsKeepTheirOrder() throws {
        let int8 = ReportFixtures.model(), fp32 = ReportFixtures.model(precision: .fp32)
        let json = try EvaluationReportJSON.render([(report: try ReportFixtures.report(model: fp32), model: fp32),
                                                    (report: try ReportFixtures.report(model: int8), model: int8)], parity: nil)
        let runs = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["precision"] as? String }, ["fp32", "int8"])
    }
}
