import Foundation

/// The machine form of an evaluation, for scripts and CI dashboards.
public enum EvaluationReportJSON {
    /// One object per run under "runs" (in the order given), plus "parity" when both precisions
    /// ran; keys sorted, missing figures null.
    public static func render(_ runs: [(report: EvaluationReport, model: PatchCoreModel)], parity: PrecisionParity?) throws -> String {
        var object: [String: Any] = ["runs": runs.map { fields(of: $0.report, model: $0.model) }]
        if let p = parity {
            object["parity"] = [
                "mean_feature_cosine": p.meanCosine, "min_feature_cosine": p.minimumCosine,
                "image_auroc_delta": p.imageAUROCDelta, "pixel_auroc_delta": JSONDocument.nullable(p.pixelAUROCDelta),
                "verdict_agreement": p.verdictAgreement, "images": p.images,
            ]
        }
        return try JSONDocument.render(object)
    }

    /// One run's object.
    static func fields(of r: EvaluationReport, model: PatchCoreModel) -> [String: Any] {
        let t = r.atThreshold
        let nullable = JSONDocument.nullable
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
            "per_defect_type": r.perDefectType.map { type in
                ["type": type.defectType, "auroc": type.auroc, "count": type.anomalousCount,
                 "escaped_at_threshold": r.operatingPoint.perDefectType.first { $0.defectType == type.defectType }?.escaped ?? 0]
            },
            "operating_point": operatingPoint(r.operatingPoint),
            "images": r.images.map { ["path": $0.sample.imagePath, "type": $0.sample.defectType, "score": $0.score] },
            "unreadable": r.unreadable.map { ["path": $0.path, "reason": $0.reason] },
            "model": [
                "taps": model.settings.taps.map(\.description), "bank_rows": model.bank.count, "dimension": model.bank.dimension,
                "coreset_ratio": model.settings.coresetRatio, "fit": model.settings.fit.storedName,
                "input": "\(model.settings.inputWidth)x\(model.settings.inputHeight)",
                "flatten_sigma": JSONDocument.nullable(model.settings.flattenSigma.map(Double.init)),
                "teach_seconds": model.provenance.teachSeconds, "bank_mib": Double(model.bankBytes) / 1_048_576,
            ],
            "mean_inspect_ms": r.meanInspectMilliseconds,
        ]
    }

    /// The false-reject targets, the threshold's spread and the trade-off curve (thresholds of
    /// `+infinity`, rejecting nothing, are written as null: JSON has no infinity).
    static func operatingPoint(_ o: OperatingPoint) -> [String: Any] {
        func threshold(_ value: Double) -> Any { JSONDocument.nullable(value.isFinite ? value : nil) }
        var object: [String: Any] = [
            "targets": o.targets.map {
                ["false_reject_target": $0.target, "threshold": threshold($0.threshold), "false_reject_rate": $0.falseRejectRate,
                 "escape_rate": $0.escapeRate, "escaped": $0.escaped] as [String: Any]
            },
            "curve": o.curve.map {
                ["threshold": threshold($0.threshold), "false_reject_rate": $0.falseRejectRate, "escape_rate": $0.escapeRate] as [String: Any]
            },
            "threshold_spread": NSNull(),
            "known_defects": [
                "false_reject_target": OperatingPoint.knownDefectTarget,
                "sizes": o.knownDefects.map {
                    ["known": $0.size, "draws": $0.draws, "escape_median": $0.medianEscape, "escape_p95": $0.worstEscape,
                     "false_reject_median": JSONDocument.nullable($0.medianFalseReject),
                     "false_reject_p95": JSONDocument.nullable($0.worstFalseReject)] as [String: Any]
                },
            ] as [String: Any],
            "rules": o.rules.map {
                ["rule": $0.rule.description, "false_reject_target": JSONDocument.nullable($0.rule.falseRejectTarget),
                 "threshold": $0.threshold, "false_reject_rate": $0.falseRejectRate, "escape_rate": $0.escapeRate] as [String: Any]
            },
        ]
        if let s = o.spread {
            object["threshold_spread"] = [
                "redraws": s.redraws, "held_out": s.heldOutCount, "p5": s.low, "p50": s.median, "p95": s.high,
                "false_reject_rate": s.falseRejectRange.map { [$0.lowerBound, $0.upperBound] as Any } ?? NSNull(),
                "escape_rate": s.escapeRange.map { [$0.lowerBound, $0.upperBound] as Any } ?? NSNull(),
            ] as [String: Any]
        }
        return object
    }
}
