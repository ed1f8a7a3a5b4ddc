import Foundation
import PatchCore

/// The machine form of an evaluation, for scripts and CI dashboards.
enum ReportJSON {
    static func render(_ r: EvaluationReport, model: PatchCoreModel) throws -> String {
        let t = r.atThreshold
        let object: [String: Any] = [
            "dataset": r.dataset,
            "split": r.split,
            "precision": "fp32",
            "image_auroc": r.imageAUROC,
            "pixel_auroc": nullable(r.pixelAUROC),
            "pro": nullable(r.pro),
            "f1_max": ["f1": r.f1Max.f1, "threshold": r.f1Max.threshold],
            "at_threshold": [
                "threshold": t.threshold, "accuracy": nullable(t.accuracy), "f1": nullable(t.f1),
                "false_reject_rate": nullable(t.falseRejectRate), "escape_rate": nullable(t.escapeRate),
                "true_positives": t.counts.truePositives, "false_positives": t.counts.falsePositives,
                "true_negatives": t.counts.trueNegatives, "false_negatives": t.counts.falseNegatives,
            ],
            "per_defect_type": r.perDefectType.map { ["type": $0.defectType, "auroc": $0.auroc, "count": $0.anomalousCount] },
            "images": r.images.map { ["path": $0.sample.imagePath, "type": $0.sample.defectType, "score": $0.score] },
            "unreadable": r.unreadable.map { ["path": $0.path, "reason": $0.reason] },
            "model": [
                "taps": model.settings.taps.map(\.description), "bank_rows": model.bank.count, "dimension": model.bank.dimension,
                "coreset_ratio": model.settings.coresetRatio, "fit": model.settings.fit.storedName,
                "teach_seconds": model.provenance.teachSeconds, "bank_mib": Double(model.bankBytes) / 1_048_576,
            ],
            "mean_inspect_ms": r.meanInspectMilliseconds,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    /// JSON null for a missing figure.
    private static func nullable(_ value: Double?) -> Any {
        value.map { $0 as Any } ?? NSNull()
    }
}
