@testable import PatchCore

/// A small evaluation whose figures are worked out by hand in the report tests.
///
/// Held-out good scores 1, 2, 3 with k = 1 put the threshold at exactly 3. Two good parts (1.0
/// and 3.5, the latter rejected) and two defects (a crack at 5.0, rejected; a scratch at 0.5,
/// escaped): image AUROC 0.5, F1-max 2/3 at score 5 (of the tied maxima the higher threshold),
/// and at the threshold one of each count, so every rate is 50 %.
enum ReportFixtures {
    static let dataset = #"bottle <&> "lot 7""#
    static let names = ["good/a.png", "good/b.png", "crack/c.png", "scratch/d&e.png"]
    static let types = ["good", "good", "crack", "scratch"]
    static let scores = [1.0, 3.5, 5.0, 0.5]

    static func model(precision: Precision = .int8) -> PatchCoreModel {
        PatchCoreModel(
            settings: PatchCoreSettings(precision: precision),
            bank: MemoryBank(features: PatchFeatureMatrix(count: 2, dimension: 4, values: [Float](repeating: 0, count: 8))),
            calibration: Calibration(heldOutScores: [1, 2, 3], sigmas: 1),
            provenance: .init(weightsSHA256: "abc", teachImageCount: 5, heldOutImageCount: 1, teachPatchCount: 100,
                              teachSource: "fixture", teachSeconds: 1.5))
    }

    /// The evaluation, its images under `folder`.
    static func report(folder: String = "/data", model: PatchCoreModel = model()) throws -> EvaluationReport {
        let images = zip(names, zip(types, scores)).map { name, typed in
            EvaluationReport.ImageResult(sample: LabeledSample(imagePath: folder + "/" + name, maskPath: nil, defectType: typed.0),
                                         score: typed.1, normalizedScore: model.calibration.normalized(typed.1))
        }
        let labels = images.map(\.sample.isAnomalous)
        let roc = try ROCCurve(scores: scores, labels: labels)
        let labelled = images.map {
            LabeledImageScore(defectType: $0.sample.defectType, isAnomalous: $0.sample.isAnomalous, score: $0.score)
        }
        return EvaluationReport(
            dataset: dataset, split: "test: all images", images: images, unreadable: [(folder + "/good/z.png", "not a PNG")],
            imageROC: roc, imageAUROC: roc.area, pixelAUROC: nil, pro: nil, f1Max: F1Max(curve: roc),
            atThreshold: try ThresholdMetrics(scores: scores, labels: labels, threshold: model.calibration.threshold),
            perDefectType: try DefectTypeAUROC.breakdown(labelled),
            operatingPoint: OperatingPoint(images: labelled, roc: roc, calibration: model.calibration),
            meanInspectMilliseconds: 12.345)
    }

    static let parity = PrecisionParity(meanCosine: 0.98761, minimumCosine: 0.5, imageAUROCDelta: -0.0125, pixelAUROCDelta: nil,
                                        verdictAgreement: 0.75, images: 4)
}
