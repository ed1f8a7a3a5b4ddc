/// The human form of an evaluation: the figures `eagle-edge eval` prints.
public enum EvaluationReportText {
    /// Every run's figures, runs separated by a blank line, then the parity figures when both
    /// precisions ran. Each line ends with a newline.
    public static func render(_ runs: [(report: EvaluationReport, model: PatchCoreModel)], parity: PrecisionParity?) -> String {
        var text = runs.map { render($0.report, model: $0.model) }.joined(separator: "\n")
        if let parity { text += render(parity) }
        return text
    }

    /// One run: data set, model, the metrics, the counts at the label-free threshold, the
    /// per-defect-type AUROCs and the expert's time.
    public static func render(_ r: EvaluationReport, model: PatchCoreModel) -> String {
        let t = r.atThreshold
        var lines = [
            "data set        \(r.dataset): \(r.split)",
            "model           taps \(model.settings.taps.map(\.description).joined(separator: ",")), "
                + "bank \(model.bank.count)x\(model.bank.dimension), coreset \(model.settings.coresetRatio), fit \(model.settings.fit.storedName) \(model.settings.inputWidth)x\(model.settings.inputHeight)"
                + (model.settings.augment.isEmpty ? "" : ", augment \(model.settings.augment.map(\.rawValue).joined(separator: ","))")
                + (model.settings.flattenSigma.map { ", flatten \($0)" } ?? ""),
            "image AUROC     \(figure(r.imageAUROC))",
            "pixel AUROC     \(figure(r.pixelAUROC))",
            "PRO (30 % FPR)  \(figure(r.pro))",
            "image F1-max    \(figure(r.f1Max.f1)) at score \(figure(r.f1Max.threshold))",
            "at threshold    \(figure(t.threshold)) (label-free): accuracy \(percent(t.accuracy)), F1 \(figure(t.f1)), "
                + "false-reject \(percent(t.falseRejectRate)), escape \(percent(t.escapeRate))",
            "                \(t.counts.truePositives) defects rejected, \(t.counts.falseNegatives) escaped, "
                + "\(t.counts.falsePositives) good rejected, \(t.counts.trueNegatives) good passed",
        ]
        let escapes = Dictionary(uniqueKeysWithValues: r.operatingPoint.perDefectType.map { ($0.defectType, $0.escaped) })
        for type in r.perDefectType {
            lines.append("  \(type.defectType.padding(toLength: 14, withPad: " ", startingAt: 0)) AUROC \(figure(type.auroc))"
                         + "  (\(type.anomalousCount) vs \(type.goodCount) good), \(escapes[type.defectType] ?? 0) escaped at the threshold")
        }
        lines += render(r.operatingPoint)
        lines.append("expert          \(r.meanInspectMilliseconds.rounded(1)) ms per image (\(model.settings.precision.rawValue), decode excluded)")
        return lines.map { $0 + "\n" }.joined()
    }

    /// The best escape rate within each false-reject budget, then the threshold's spread.
    static func render(_ o: OperatingPoint) -> [String] {
        var lines = o.targets.map { t in
            "at \(percentLabel(t.target)) rejects".padding(toLength: 16, withPad: " ", startingAt: 0)
                + "escape \(percent(t.escapeRate)) (\(t.escaped) defects) at score \(figure(t.threshold)), "
                + "false-reject \(percent(t.falseRejectRate))"
        }
        for r in o.rules {
            lines.append("  rule " + "\(r.rule)".padding(toLength: 19, withPad: " ", startingAt: 0)
                         + "threshold \(figure(r.threshold)): false-reject \(percent(r.falseRejectRate)), escape \(percent(r.escapeRate))")
        }
        if let s = o.spread {
            var line = "threshold spread \(figure(s.low)) to \(figure(s.high)) (5th-95th percentile, \(s.redraws) re-draws "
                + "of \(s.heldOutCount) out-of-bank scores)"
            if let f = s.falseRejectRange { line += ": false-reject \(percent(f.lowerBound)) to \(percent(f.upperBound))" }
            if let e = s.escapeRange { line += ", escape \(percent(e.lowerBound)) to \(percent(e.upperBound))" }
            lines.append(line)
        }
        if !o.knownDefects.isEmpty {
            lines.append("known defects   threshold from k test defects at \(percentLabel(OperatingPoint.knownDefectTarget)) rejects"
                         + " (median / 95th percentile of \(o.knownDefects[0].draws) draws):")
            for row in o.knownDefects {
                var line = "  k = \(row.size)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + "escape among the others \(percent(row.medianEscape)) / \(percent(row.worstEscape))"
                if let median = row.medianFalseReject, let worst = row.worstFalseReject {
                    line += ", false-reject \(percent(median)) / \(percent(worst))"
                }
                lines.append(line)
            }
        }
        return lines
    }

    /// A target share as "1 %" or "2.5 %".
    static func percentLabel(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value)) %" : "\(value.rounded(1)) %"
    }

    /// How closely int8 followed fp32, after a blank line.
    public static func render(_ p: PrecisionParity) -> String {
        [
            "",
            "int8 vs fp32    on \(p.images) test images",
            "  feature cosine  mean \(figure(p.meanCosine)), worst patch \(figure(p.minimumCosine))",
            "  AUROC delta     image \(figure(p.imageAUROCDelta)), pixel \(figure(p.pixelAUROCDelta))",
            "  verdicts        \((p.verdictAgreement * 100).rounded(1)) % agree at the label-free thresholds",
        ].map { $0 + "\n" }.joined()
    }

    /// Four decimals, or "n/a" for a figure the data set cannot give.
    static func figure(_ value: Double?) -> String { value.map { $0.rounded(4) } ?? "n/a" }

    /// A share as a percentage with one decimal, or "n/a".
    static func percent(_ value: Double?) -> String { value.map { ($0 * 100).rounded(1) + " %" } ?? "n/a" }
}
