import PatchCore

/// The human form of an evaluation.
enum ReportText {
    static func print(_ r: EvaluationReport, model: PatchCoreModel) {
        func pct(_ v: Double?) -> String { v.map { ($0 * 100).rounded(1) + " %" } ?? "n/a" }
        func fig(_ v: Double?) -> String { v.map { $0.rounded(4) } ?? "n/a" }
        let t = r.atThreshold
        Swift.print("data set        \(r.dataset): \(r.split)")
        Swift.print("model           taps \(model.settings.taps.map(\.description).joined(separator: ",")), "
                    + "bank \(model.bank.count)x\(model.bank.dimension), coreset \(model.settings.coresetRatio), fit \(model.settings.fit.storedName)")
        Swift.print("image AUROC     \(fig(r.imageAUROC))")
        Swift.print("pixel AUROC     \(fig(r.pixelAUROC))")
        Swift.print("PRO (30 % FPR)  \(fig(r.pro))")
        Swift.print("image F1-max    \(fig(r.f1Max.f1)) at score \(fig(r.f1Max.threshold))")
        Swift.print("at threshold    \(fig(t.threshold)) (label-free): accuracy \(pct(t.accuracy)), F1 \(fig(t.f1)), "
                    + "false-reject \(pct(t.falseRejectRate)), escape \(pct(t.escapeRate))")
        Swift.print("                \(t.counts.truePositives) defects rejected, \(t.counts.falseNegatives) escaped, "
                    + "\(t.counts.falsePositives) good rejected, \(t.counts.trueNegatives) good passed")
        for type in r.perDefectType {
            Swift.print("  \(type.defectType.padding(toLength: 14, withPad: " ", startingAt: 0)) AUROC \(fig(type.auroc))  (\(type.anomalousCount) vs \(type.goodCount) good)")
        }
        Swift.print("expert          \(r.meanInspectMilliseconds.rounded(1)) ms per image (\(model.settings.precision.rawValue), decode excluded)")
    }

    static func print(_ p: PrecisionParity) {
        func fig(_ v: Double?) -> String { v.map { $0.rounded(4) } ?? "n/a" }
        Swift.print("")
        Swift.print("int8 vs fp32    on \(p.images) test images")
        Swift.print("  feature cosine  mean \(fig(p.meanCosine)), worst patch \(fig(p.minimumCosine))")
        Swift.print("  AUROC delta     image \(fig(p.imageAUROCDelta)), pixel \(fig(p.pixelAUROCDelta))")
        Swift.print("  verdicts        \((p.verdictAgreement * 100).rounded(1)) % agree at the label-free thresholds")
    }
}
