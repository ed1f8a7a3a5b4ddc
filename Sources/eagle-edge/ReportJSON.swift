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
            "pixel_auroc": r.pixelAUROC ?? NSNull(),
            "pro": r.pro ?? NSNull(),
            "f1_max": ["f1": r.f1Max.f1, "threshold": r.f1Max.threshold],
            "at_threshold": [
                "threshold": t.threshold, "accuracy": t.accuracy ?? NSNull(), "f1": t.f1 ?? NSNull(),
                "false_reject_rate": t.falseRejectRate ?? NSNull(), "escape_rate": t.escapeRate ?? NSNull(),
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
}
