import Imaging

/// How closely the int8 expert follows the fp32 one on the same images: the parity figures of
/// the fixed-point issue (feature cosine, AUROC deltas, verdict agreement).
public struct PrecisionParity: Sendable {
    /// Mean over all patches of all images of cos(int8 feature, fp32 feature).
    public let meanCosine: Double
    /// The worst single patch.
    public let minimumCosine: Double
    /// int8 AUROC minus fp32 AUROC.
    public let imageAUROCDelta: Double
    public let pixelAUROCDelta: Double?
    /// Share of images on which both experts give the same verdict at their own label-free
    /// threshold (reject vs pass).
    public let verdictAgreement: Double
    public let images: Int

    /// Compares two evaluations of the same data set, and the patch features of both experts on
    /// its test images (`crops`: already read and preprocessed).
    public init(fp32: PatchCoreExpert, int8: PatchCoreExpert, fp32Report: EvaluationReport, int8Report: EvaluationReport,
                images paths: [String]) throws {
        var sum = 0.0, count = 0, worst = 1.0
        for path in paths {
            let crop = try PatchCoreExpert.preprocess(try ImageFile.readRGB(path), settings: fp32.model.settings)
            let a = try fp32.patchFeatures(of: crop).values, b = try int8.patchFeatures(of: crop).values
            let d = fp32.model.bank.dimension
            for p in 0..<(a.count / d) {
                var dot = 0.0, na = 0.0, nb = 0.0
                for k in (p * d)..<((p + 1) * d) {
                    dot += Double(a[k]) * Double(b[k]); na += Double(a[k]) * Double(a[k]); nb += Double(b[k]) * Double(b[k])
                }
                let cosine = na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : (na == nb ? 1 : 0)
                sum += cosine
                worst = min(worst, cosine)
                count += 1
            }
        }
        meanCosine = count > 0 ? sum / Double(count) : 1
        minimumCosine = worst
        imageAUROCDelta = int8Report.imageAUROC - fp32Report.imageAUROC
        if let a = int8Report.pixelAUROC, let b = fp32Report.pixelAUROC { pixelAUROCDelta = a - b } else { pixelAUROCDelta = nil }
        let fp32Rejects = Dictionary(fp32Report.images.map { ($0.sample.imagePath, $0.score >= fp32.model.calibration.threshold) },
                                     uniquingKeysWith: { a, _ in a })
        var same = 0, compared = 0
        for image in int8Report.images {
            guard let other = fp32Rejects[image.sample.imagePath] else { continue }
            compared += 1
            if other == (image.score >= int8.model.calibration.threshold) { same += 1 }
        }
        verdictAgreement = compared > 0 ? Double(same) / Double(compared) : 1
        images = compared
    }
}

extension PrecisionParity {
    /// Figures already measured.
    init(meanCosine: Double, minimumCosine: Double, imageAUROCDelta: Double, pixelAUROCDelta: Double?,
         verdictAgreement: Double, images: Int) {
        self.meanCosine = meanCosine
        self.minimumCosine = minimumCosine
        self.imageAUROCDelta = imageAUROCDelta
        self.pixelAUROCDelta = pixelAUROCDelta
        self.verdictAgreement = verdictAgreement
        self.images = images
    }
}
