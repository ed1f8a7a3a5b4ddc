import Foundation
import Imaging

/// The report of `eval --report DIR`: one self-contained page (index.html, the ROC curve as
/// inline SVG) plus overlay PNGs of the worst misses, for the engineer deciding whether a model
/// is fit for a line.
public enum EvaluationReportHTML {
    /// Writes index.html and the overlays of ``WorstMiss/select(from:perKind:)`` into
    /// `directory` (created if needed). The expert inspects the few images shown again, since
    /// an evaluation keeps no anomaly maps.
    public static func write(_ report: EvaluationReport, expert: PatchCoreExpert, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let calibration = expert.model.calibration
        let misses = WorstMiss.select(from: report)
        for miss in misses {
            let result = try expert.inspect(ImageFile.readRGB(miss.image.sample.imagePath))
            let regions = miss.image.score >= calibration.threshold
                ? SuspectRegionFinder().regions(in: result.anomalyMap, floor: Float(calibration.threshold)) : []
            try ImageFile.write(AnomalyOverlay.render(result, regions: regions, calibration: calibration),
                                to: (directory as NSString).appendingPathComponent(miss.fileName))
        }
        let html = page(report, model: expert.model, misses: misses)
        try Data(html.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("index.html")), options: .atomic)
    }

    /// The page: the figures as a table, the ROC curve, the per-defect-type table and a figure per
    /// miss showing its overlay (``WorstMiss/fileName``, beside the page). Text from the data set
    /// (names, paths, defect types) is escaped.
    public static func page(_ r: EvaluationReport, model: PatchCoreModel, misses: [WorstMiss]) -> String {
        let threshold = model.calibration.threshold
        let figures = misses.map { miss in
            let item = miss.image
            let verdict = item.score >= threshold ? "rejected" : "passed"
            return """
                <figure><img src="\(miss.fileName)" alt="\(escape(item.sample.imagePath))">
                <figcaption>\(escape(miss.kindDescription)): \(escape(item.sample.defectType)), score \(format(item.score)) \
                (normalised \(format(item.normalizedScore))), \(verdict)<br><small>\(escape(item.sample.imagePath))</small></figcaption></figure>
                """
        }
        let t = r.atThreshold
        let percent = EvaluationReportText.percent
        let rows: [(String, String)] = [
            ("data set", "\(r.dataset): \(r.split)"),
            ("image AUROC", format(r.imageAUROC)),
            ("pixel AUROC", r.pixelAUROC.map(format) ?? "n/a"),
            ("PRO (AUPRO to 30 % FPR)", r.pro.map(format) ?? "n/a"),
            ("image F1-max", "\(format(r.f1Max.f1)) at score \(format(r.f1Max.threshold))"),
            ("label-free threshold", "\(format(threshold)) (\(model.calibration.rule) of \(model.calibration.heldOutScores.count) out-of-bank good scores)"),
            ("accuracy / F1", "\(percent(t.accuracy)) / \(t.f1.map(format) ?? "n/a")"),
            ("false-reject rate", "\(percent(t.falseRejectRate)) (\(t.counts.falsePositives) of \(t.counts.good) good parts)"),
            ("escape rate", "\(percent(t.escapeRate)) (\(t.counts.falseNegatives) of \(t.counts.anomalous) defects)"),
            ("model", "taps \(model.settings.taps.map(\.description).joined(separator: ", ")), bank \(model.bank.count) x \(model.bank.dimension), "
                + "coreset \(model.settings.coresetRatio), fit \(model.settings.fit.storedName)"),
            ("expert time", "\(format(r.meanInspectMilliseconds)) ms per image (\(model.settings.precision.rawValue))"),
        ]
        let table = rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
        let escapes = Dictionary(uniqueKeysWithValues: r.operatingPoint.perDefectType.map { ($0.defectType, $0.escaped) })
        let types = r.perDefectType.map {
            "<tr><td>\(escape($0.defectType))</td><td>\(format($0.auroc))</td><td>\($0.anomalousCount)</td>"
                + "<td>\(escapes[$0.defectType] ?? 0)</td></tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>EagleEdge evaluation: \(escape(r.dataset))</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:1100px}th{text-align:left;padding-right:1em}
            figure{display:inline-block;margin:0.5em;width:240px;vertical-align:top}img{width:224px}
            figcaption{font-size:0.85em}</style></head><body>
            <h1>Evaluation of \(escape(r.dataset))</h1>
            <table>\(table)</table>
            <h2>Image ROC</h2>
            \(rocSVG(r.imageROC))
            <h2>Per defect type</h2>
            <table><tr><th>type</th><th>AUROC</th><th>images</th><th>escaped at the threshold</th></tr>\(types)</table>
            <h2>Operating point</h2>
            \(operatingPointTable(r.operatingPoint))
            \(tradeOffSVG(r.operatingPoint))
            <h2>Worst misses</h2>
            <p>Heatmap: normalised score, blue 0 (typical good) to red 1; 0.5 is the threshold. Boxes: suspect regions.</p>
            \(figures.joined(separator: "\n"))
            </body></html>
            """
    }

    /// The ROC curve as an SVG polyline in a 300 x 300 box, with the chance diagonal.
    static func rocSVG(_ roc: ROCCurve) -> String {
        let size = 300.0
        let points = roc.points.map { "\(format(40 + $0.falsePositiveRate * size)),\(format(10 + (1 - $0.truePositiveRate) * size))" }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="360" height="350" font-size="12">
            <rect x="40" y="10" width="300" height="300" fill="none" stroke="#888"/>
            <line x1="40" y1="310" x2="340" y2="10" stroke="#ccc" stroke-dasharray="4"/>
            <polyline fill="none" stroke="#c00" stroke-width="2" points="\(points.joined(separator: " "))"/>
            <text x="150" y="335">false-positive rate</text>
            <text x="12" y="200" transform="rotate(-90 12 200)">true-positive rate</text>
            <text x="200" y="290">AUROC \(format(roc.area))</text>
            </svg>
            """
    }

    /// The best escape rate per false-reject budget and the label-free threshold's spread.
    static func operatingPointTable(_ o: OperatingPoint) -> String {
        let percent = EvaluationReportText.percent
        var rows = o.targets.map { t in
            "<tr><td>at most \(EvaluationReportText.percentLabel(t.target)) good rejected</td><td>\(percent(t.escapeRate))"
                + " (\(t.escaped) defects)</td><td>\(t.threshold.isFinite ? format(t.threshold) : "none")</td>"
                + "<td>\(percent(t.falseRejectRate))</td></tr>"
        }
        if let s = o.spread {
            let fr = s.falseRejectRange.map { "\(percent($0.lowerBound)) to \(percent($0.upperBound))" } ?? "n/a"
            let esc = s.escapeRange.map { "\(percent($0.lowerBound)) to \(percent($0.upperBound))" } ?? "n/a"
            rows.append("<tr><td>label-free threshold over \(s.redraws) re-draws of \(s.heldOutCount) out-of-bank scores"
                        + " (5th-95th percentile)</td><td>\(esc)</td><td>\(format(s.low)) to \(format(s.high))</td><td>\(fr)</td></tr>")
        }
        rows += o.rules.map { r in
            "<tr><td>label-free rule: \(escape(r.rule.description))</td><td>\(percent(r.escapeRate))</td>"
                + "<td>\(format(r.threshold))</td><td>\(percent(r.falseRejectRate))</td></tr>"
        }
        return "<table><tr><th>budget</th><th>escape rate</th><th>threshold</th><th>false-reject rate</th></tr>\n"
            + rows.joined(separator: "\n") + "</table>"
    }

    /// Escape rate against false-reject rate for false-reject rates up to 20 %, where lines run,
    /// with the label-free threshold marked.
    static func tradeOffSVG(_ o: OperatingPoint) -> String {
        let width = 300.0, height = 200.0, maxFR = 0.2
        func x(_ fr: Double) -> String { format(40 + min(fr, maxFR) / maxFR * width) }
        func y(_ escape: Double) -> String { format(10 + escape * height) }
        // A staircase: between two thresholds the rates hold, so the curve steps rather than slopes.
        var points: [String] = []
        for point in o.curve where point.falseRejectRate <= maxFR {
            if let last = points.last { points.append("\(x(point.falseRejectRate)),\(last.split(separator: ",")[1])") }
            points.append("\(x(point.falseRejectRate)),\(y(point.escapeRate))")
        }
        let atThreshold = o.curve.last { $0.threshold >= o.threshold }
        let marker = atThreshold.map {
            "<circle cx=\"\(x($0.falseRejectRate))\" cy=\"\(y($0.escapeRate))\" r=\"5\" fill=\"#06c\"/>"
        } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="360" height="250" font-size="12">
            <rect x="40" y="10" width="300" height="200" fill="none" stroke="#888"/>
            <polyline fill="none" stroke="#c00" stroke-width="2" points="\(points.joined(separator: " "))"/>
            \(marker)
            <text x="110" y="235">false-reject rate (0 to 20 %)</text>
            <text x="12" y="170" transform="rotate(-90 12 170)">escape rate (0 to 100 %)</text>
            <text x="200" y="30" fill="#06c">&#9679; label-free threshold</text>
            </svg>
            """
    }

    /// `text` safe inside an element or a double-quoted attribute.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func format(_ value: Double) -> String { value.rounded(4) }
}
