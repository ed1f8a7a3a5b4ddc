/// One test image's ground truth and the expert's score for it.
public struct LabeledImageScore: Sendable, Equatable {
    /// The defect type as the data set names it (MVTec's folder name: "broken_large", ...);
    /// ignored for good images.
    public var defectType: String
    /// Ground truth: `true` when the part is defective.
    public var isAnomalous: Bool
    /// The image anomaly score, higher = more anomalous.
    public var score: Double

    /// Values as given.
    public init(defectType: String, isAnomalous: Bool, score: Double) {
        self.defectType = defectType
        self.isAnomalous = isAnomalous
        self.score = score
    }
}
