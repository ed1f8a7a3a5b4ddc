import XCTest
@testable import PatchCore

final class EvaluationReportTextTests: XCTestCase {
    func testOneRunListsItsFiguresLineByLine() throws {
        let text = EvaluationReportText.render(try ReportFixtures.report(), model: ReportFixtures.model())
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false), [
            #"data set        bottle <&> "lot 7": test: all images"#,
            "model           taps block3,block4,block10, bank 2x4, coreset 0.01, fit crop256 224x224",
            "image AUROC     0.5000",
            "pixel AUROC     n/a",
            "PRO (30 % FPR)  n/a",
            "image F1-max    0.6667 at score 5.0000",
            "at threshold    3.0000 (label-free): accuracy 50.0 %, F1 0.5000, false-reject 50.0 %, escape 50.0 %",
            "                1 defects rejected, 1 escaped, 1 good rejected, 1 good passed",
            "  crack          AUROC 1.0000  (1 vs 2 good), 0 escaped at the threshold",
            "  scratch        AUROC 0.0000  (1 vs 2 good), 1 escaped at the threshold",
            "at 1 % rejects  escape 50.0 % (1 defects) at score 5.0000, false-reject 0.0 %",
            "at 2 % rejects  escape 50.0 % (1 defects) at score 5.0000, false-reject 0.0 %",
            "at 3 % rejects  escape 50.0 % (1 defects) at score 5.0000, false-reject 0.0 %",
            "at 5 % rejects  escape 50.0 % (1 defects) at score 5.0000, false-reject 0.0 %",
            "  rule mean + 1 std       threshold 3.0000: false-reject 50.0 %, escape 50.0 %",
            "  rule 1 % quantile       threshold 2.9800: false-reject 50.0 %, escape 50.0 %",
            "  rule 1 % Pareto tail    threshold 2.9800: false-reject 50.0 %, escape 50.0 %",
            "  rule 2 % quantile       threshold 2.9600: false-reject 50.0 %, escape 50.0 %",
            "  rule 2 % Pareto tail    threshold 2.9600: false-reject 50.0 %, escape 50.0 %",
            "  rule 3 % quantile       threshold 2.9400: false-reject 50.0 %, escape 50.0 %",
            "  rule 3 % Pareto tail    threshold 2.9400: false-reject 50.0 %, escape 50.0 %",
            "  rule 5 % quantile       threshold 2.9000: false-reject 50.0 %, escape 50.0 %",
            "  rule 5 % Pareto tail    threshold 2.9000: false-reject 50.0 %, escape 50.0 %",
            Substring(try spreadLine),
            "known defects   threshold from k test defects at 2 % rejects (median / 95th percentile of 200 draws):",
            Substring(try knownDefectLine),
            "expert          12.3 ms per image (int8, decode excluded)",
            "",
        ])
    }

    func testRunsAreSeparatedByABlankLineAndParityComesLast() throws {
        let int8 = ReportFixtures.model(), fp32 = ReportFixtures.model(precision: .fp32)
        let runs = [(report: try ReportFixtures.report(model: int8), model: int8), (report: try ReportFixtures.report(model: fp32), model: fp32)]
        let lines = EvaluationReportText.render(runs, parity: ReportFixtures.parity).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 27 + 1 + 27 + 1 + 4 + 1, "\(lines)")
        XCTAssertEqual(lines[26], "expert          12.3 ms per image (int8, decode excluded)")
        XCTAssertEqual(lines[27], "")
        XCTAssertTrue(lines[28].hasPrefix("data set "), String(lines[28]))
        XCTAssertEqual(lines[54], "expert          12.3 ms per image (fp32, decode excluded)")
        XCTAssertEqual(Array(lines[55...]), [
            "",
            "int8 vs fp32    on 4 test images",
            "  feature cosine  mean 0.9876, worst patch 0.5000",
            "  AUROC delta     image -0.0125, pixel n/a",
            "  verdicts        75.0 % agree at the label-free thresholds",
            "",
        ])
    }

    /// The spread's figures come from a seeded bootstrap, worked out in ThresholdSpreadTests;
    /// here only their layout matters.
    private var spreadLine: String {
        get throws {
            let s = try XCTUnwrap(try ReportFixtures.report().operatingPoint.spread)
            let f = try XCTUnwrap(s.falseRejectRange), e = try XCTUnwrap(s.escapeRange)
            return "threshold spread \(EvaluationReportText.figure(s.low)) to \(EvaluationReportText.figure(s.high))"
                + " (5th-95th percentile, 1000 re-draws of 3 out-of-bank scores): false-reject "
                + "\(EvaluationReportText.percent(f.lowerBound)) to \(EvaluationReportText.percent(f.upperBound)), escape "
                + "\(EvaluationReportText.percent(e.lowerBound)) to \(EvaluationReportText.percent(e.upperBound))"
        }
    }

    /// One known defect of the fixture's two: its figures are worked out in
    /// KnownDefectThresholdTests; here only the layout matters.
    private var knownDefectLine: String {
        get throws {
            let rows = try ReportFixtures.report().operatingPoint.knownDefects
            XCTAssertEqual(rows.map(\.size), [1])
            let row = try XCTUnwrap(rows.first)
            let p = EvaluationReportText.percent
            return "  k = 1   escape among the others \(p(row.medianEscape)) / \(p(row.worstEscape)), false-reject"
                + " \(p(try XCTUnwrap(row.medianFalseReject))) / \(p(try XCTUnwrap(row.worstFalseReject)))"
        }
    }

    func testWithoutParityTheTextEndsWithTheLastRun() throws {
        let model = ReportFixtures.model()
        let text = EvaluationReportText.render([(report: try ReportFixtures.report(), model: model)], parity: nil)
        XCTAssertEqual(text, EvaluationReportText.render(try ReportFixtures.report(), model: model))
    }
}
