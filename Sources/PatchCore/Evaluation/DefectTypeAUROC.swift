/// Image AUROC of one defect type against all good images: shows which defects the expert
/// misses, which the pooled AUROC averages away.
public struct DefectTypeAUROC: Sendable, Equatable {
    /// The defect type.
    public let defectType: String
    /// Anomalous images of this type.
    public let anomalousCount: Int
    /// Good images it was ranked against (all of them).
    public let goodCount: Int
    /// AUROC of this type's images vs the good ones.
    public let auroc: Double

    /// One entry per defect type that has anomalous images, sorted by type name.
    /// - Throws: `MetricsError.singleClass` without good or without anomalous images,
    ///   `MetricsError.notANumber` for a NaN score (index into `images`).
    public static func breakdown(_ images: [LabeledImageScore]) throws(MetricsError) -> [DefectTypeAUROC] {
        // Checked here so the index points into `images`, not into one type's subset.
        if let index = images.firstIndex(where: { $0.score.isNaN }) {
            throw .notANumber(index: index)
        }
        let goodScores = images.filter { !$0.isAnomalous }.map(\.score)
        let anomalous = images.filter(\.isAnomalous)
        guard !goodScores.isEmpty, !anomalous.isEmpty else {
            throw .singleClass(anomalous: anomalous.count, good: goodScores.count)
        }
        let byType = Dictionary(grouping: anomalous, by: \.defectType)
        var result: [DefectTypeAUROC] = []
        for type in byType.keys.sorted() {
            let typeScores = byType[type, default: []].map(\.score)
            let curve = try ROCCurve(
                scores: typeScores + goodScores,
                labels: [Bool](repeating: true, count: typeScores.count) + [Bool](repeating: false, count: goodScores.count)
            )
            result.append(DefectTypeAUROC(
                defectType: type, anomalousCount: typeScores.count, goodCount: goodScores.count, auroc: curve.area
            ))
        }
        return result
    }
}
