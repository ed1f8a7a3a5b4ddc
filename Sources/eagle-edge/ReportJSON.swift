import Foundation
import PatchCore

/// The machine form of an evaluation, for scripts and CI dashboards.
enum ReportJSON {
    /// One object per precision under "runs" (in the order run), plus "parity" when both ran.
    static func render(_ runs: [(EvaluationReport, PatchCoreModel)], parity: PrecisionParity?) throws -> String {
        var object: [String: Any] = ["runs": runs.map { fields(of: $0.0, model: $0.1) }]
        if let p = parity {
            object["parity"] = [
                "mean_feature_cosine": p.meanCosine, "min_feature_cosine": p.minimumCosine,
                "image_auroc_delta": p.imageAUROCDelta, "pixel_auroc_delta": nullable(p.pixelAUROCDelta),
                "verdict_agreement": p.verdictAgreement, "images": p.images,
            ]
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    static func fields(of r: EvaluationReport, model: PatchCoreModel) -> [String: Any] {
        let t = r.atThreshold
        return [
            "dataset": r.dataset,
            "split": r.split,
            "precision": model.settings.precision.rawValue,
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
    }

    /// JSON null for a missing figure.
    private static func nullable(_ value: Double?) -> Any {
        value.map { $0 as Any } ?? NSNull()
    }
}
