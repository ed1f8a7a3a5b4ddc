/// What `eagle-edge eval` measures on a labelled data set.
public struct EvaluationReport: Sendable {
    /// One scored test image.
    public struct ImageResult: Sendable {
        public let sample: LabeledSample
        public let score: Double
        public let normalizedScore: Double
    }

    public let dataset: String
    public let split: String
    public let images: [ImageResult]
    /// Test images that could not be read or decoded, with the reason; they are not scored.
    public let unreadable: [(path: String, reason: String)]
    public let imageROC: ROCCurve
    public let imageAUROC: Double
    /// nil when the data set has no masks.
    public let pixelAUROC: Double?
    /// AUPRO up to 30 % FPR, normalised; nil without masks.
    public let pro: Double?
    public let f1Max: F1Max
    /// At the model's label-free threshold.
    public let atThreshold: ThresholdMetrics
    public let perDefectType: [DefectTypeAUROC]
    /// What a line would do: escapes per defect type at the threshold, the best escape rate at
    /// false-reject targets, the trade-off curve and the threshold's spread.
    public let operatingPoint: OperatingPoint
    /// Mean milliseconds per image for the whole expert (decode excluded).
    public let meanInspectMilliseconds: Double
}
