import Dispatch
import Imaging

/// Scores a data set's test images with an expert and computes the paper's metrics.
public struct Evaluator: Sendable {
    public let expert: PatchCoreExpert

    public init(expert: PatchCoreExpert) {
        self.expert = expert
    }

    /// Runs every test sample. Images that cannot be read are reported in the result and
    /// skipped; masks are brought to the expert's input geometry the way the images are.
    public func evaluate(_ dataset: InspectionDataset, progress: (Int, Int) -> Void = { _, _ in }) throws -> EvaluationReport {
        var results: [EvaluationReport.ImageResult] = []
        var maps: [LabeledAnomalyMap] = []
        var unreadable: [(path: String, reason: String)] = []
        var inspectNanoseconds: UInt64 = 0
        let settings = expert.model.settings
        for (i, sample) in dataset.testSamples.enumerated() {
            defer { progress(i + 1, dataset.testSamples.count) }
            let image: RGBImage
            do {
                image = try ImageFile.readRGB(sample.imagePath)
            } catch {
                unreadable.append((sample.imagePath, "\(error)"))
                continue
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try expert.inspect(image)
            inspectNanoseconds += DispatchTime.now().uptimeNanoseconds - start
            results.append(.init(sample: sample, score: result.score, normalizedScore: result.normalizedScore))
            if dataset.hasMasks {
                let mask = try sample.maskPath.map { try binaryMask($0, settings: settings) }
                    ?? GrayImage(width: settings.inputWidth, height: settings.inputHeight)
                maps.append(try LabeledAnomalyMap(map: result.anomalyMap, mask: mask))
            }
        }
        let scores = results.map(\.score), labels = results.map(\.sample.isAnomalous)
        let roc = try ROCCurve(scores: scores, labels: labels)
        let labelled = results.map {
            LabeledImageScore(defectType: $0.sample.defectType, isAnomalous: $0.sample.isAnomalous, score: $0.score)
        }
        // One sort of all pixels serves both pixel metrics.
        let ranking = maps.isEmpty ? nil : try PixelRanking(maps)
        return EvaluationReport(
            dataset: dataset.name, split: dataset.split, images: results, unreadable: unreadable,
            imageROC: roc, imageAUROC: roc.area,
            pixelAUROC: ranking?.auroc(),
            pro: try ranking?.aupro(maxFPR: 0.3),
            f1Max: F1Max(curve: roc),
            atThreshold: try ThresholdMetrics(scores: scores, labels: labels, threshold: expert.model.calibration.threshold),
            perDefectType: try DefectTypeAUROC.breakdown(labelled),
            operatingPoint: OperatingPoint(images: labelled, roc: roc, calibration: expert.model.calibration),
            meanInspectMilliseconds: results.isEmpty ? 0 : Double(inspectNanoseconds) / 1e6 / Double(results.count))
    }

    /// A ground-truth mask brought to the input geometry like the image: binarised (any nonzero
    /// value is defect), resized bilinearly, cut at half.
    func binaryMask(_ path: String, settings: PatchCoreSettings) throws -> GrayImage {
        var mask = try ImageFile.readGray(path)
        for i in mask.pixels.indices where mask.pixels[i] != 0 { mask.pixels[i] = 255 }
        var fitted = try PatchCoreExpert.preprocess(mask, settings: settings, filter: .bilinear)
        for i in fitted.pixels.indices { fitted.pixels[i] = fitted.pixels[i] >= 128 ? 255 : 0 }
        return fitted
    }
}
