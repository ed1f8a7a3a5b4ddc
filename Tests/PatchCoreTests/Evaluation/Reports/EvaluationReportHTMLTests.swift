import XCTest
@testable import PatchCore

final class EvaluationReportHTMLTests: XCTestCase {
    private func page() throws -> String {
        let report = try ReportFixtures.report()
        return EvaluationReportHTML.page(report, model: ReportFixtures.model(), misses: WorstMiss.select(from: report))
    }

    func testTheTableShowsTheFigures() throws {
        let html = try page()
        for row in [
            "<tr><th>image AUROC</th><td>0.5000</td></tr>",
            "<tr><th>pixel AUROC</th><td>n/a</td></tr>",
            "<tr><th>image F1-max</th><td>0.6667 at score 5.0000</td></tr>",
            "<tr><th>label-free threshold</th><td>3.0000 (mean + 1 std of 3 out-of-bank good scores)</td></tr>",
            "<tr><th>accuracy / F1</th><td>50.0 % / 0.5000</td></tr>",
            "<tr><th>false-reject rate</th><td>50.0 % (1 of 2 good parts)</td></tr>",
            "<tr><th>escape rate</th><td>50.0 % (1 of 2 defects)</td></tr>",
            "<tr><th>expert time</th><td>12.3450 ms per image (int8)</td></tr>",
            "<tr><td>crack</td><td>1.0000</td><td>1</td><td>0</td></tr>",
            "<tr><td>scratch</td><td>0.0000</td><td>1</td><td>1</td></tr>",
            "<tr><td>at most 1 % good rejected</td><td>50.0 % (1 defects)</td><td>5.0000</td><td>0.0 %</td></tr>",
            "<tr><td>at most 5 % good rejected</td><td>50.0 % (1 defects)</td><td>5.0000</td><td>0.0 %</td></tr>",
        ] {
            XCTAssertTrue(html.contains(row), row)
        }
    }

    func testTheROCCurveIsAPolylineThroughEveryPoint() throws {
        // (FPR, TPR): (0, 0), (0, 0.5) at score 5, (0.5, 0.5) at 3.5, (1, 0.5) at 1, (1, 1) at 0.5;
        // x = 40 + 300 FPR, y = 10 + 300 (1 - TPR).
        XCTAssertTrue(try page().contains(
            #"points="40.0000,310.0000 40.0000,160.0000 190.0000,160.0000 340.0000,160.0000 340.0000,10.0000""#))
    }

    func testTheTradeOffCurveStepsAndMarksTheLabelFreeThreshold() throws {
        // Up to 20 % false rejects only the points at FPR 0 count: escape 100 % then 50 % at score 5;
        // x = 40 + 300 FPR / 0.2, y = 10 + 200 escape. The threshold 3 rejects 3.5 and 5: (50 %, 50 %), clipped to x = 340.
        let html = try page()
        XCTAssertTrue(html.contains(#"points="40.0000,210.0000 40.0000,210.0000 40.0000,110.0000""#))
        XCTAssertTrue(html.contains(#"<circle cx="340.0000" cy="110.0000""#))
    }

    func testTextFromTheDataSetIsEscaped() throws {
        let html = try page()
        XCTAssertTrue(html.contains("<title>EagleEdge evaluation: bottle &lt;&amp;&gt; &quot;lot 7&quot;</title>"))
        XCTAssertTrue(html.contains("<h1>Evaluation of bottle &lt;&amp;&gt; &quot;lot 7&quot;</h1>"))
        XCTAssertFalse(html.contains("<&>"))
        XCTAssertTrue(html.contains(#"alt="/data/scratch/d&amp;e.png""#))
        XCTAssertEqual(EvaluationReportHTML.escape(#"a<b>&"c""#), "a&lt;b&gt;&amp;&quot;c&quot;")
        XCTAssertEqual(EvaluationReportHTML.escape("&lt;"), "&amp;lt;", "an ampersand is escaped once, first")
    }

    func testEachMissIsAFigureWithItsOverlayAndVerdict() throws {
        let html = try page()
        let figures = html.components(separatedBy: "<figure>").dropFirst()
        XCTAssertEqual(figures.count, 4)
        let expected = [
            ("good-0.png", "good part, highest score: good, score 3.5000 (normalised 0.7500), rejected", "good/b.png"),
            ("good-1.png", "good part, highest score: good, score 1.0000 (normalised 0.0000), passed", "good/a.png"),
            ("defect-0.png", "defect, lowest score: scratch, score 0.5000 (normalised 0.0000), passed", "scratch/d&amp;e.png"),
            ("defect-1.png", "defect, lowest score: crack, score 5.0000 (normalised 1.0000), rejected", "crack/c.png"),
        ]
        for (figure, (file, caption, path)) in zip(figures, expected) {
            XCTAssertTrue(figure.contains(#"<img src="\#(file)""#), figure)
            XCTAssertTrue(figure.contains(caption), figure)
            XCTAssertTrue(figure.contains("<small>/data/\(path)</small>"), figure)
        }
    }

    func testWorstMissesAreTheHighestGoodAndLowestDefectScoresUpToTheLimit() throws {
        let misses = WorstMiss.select(from: try ReportFixtures.report(), perKind: 1)
        XCTAssertEqual(misses.map(\.fileName), ["good-0.png", "defect-0.png"])
        XCTAssertEqual(misses.map(\.image.score), [3.5, 0.5])
        XCTAssertEqual(misses.map(\.kind), [.goodScoredHighest, .defectScoredLowest])
        XCTAssertEqual(WorstMiss.select(from: try ReportFixtures.report()).map(\.rank), [0, 1, 0, 1])
    }
}
