import Imaging

/// The expert's finding on one image.
public struct AnomalyResult: Sendable {
    /// Raw image score: the largest patch distance to the bank (optionally re-weighted).
    public let score: Double
    /// 0 typical good, 0.5 threshold, 1 clearly anomalous (see ``Calibration/normalized(_:)``).
    public let normalizedScore: Double
    /// Raw patch distances on the feature grid, row-major.
    public let patchScores: FloatPlane
    /// Patch scores brought to the input crop and blurred, in raw score units.
    public let anomalyMap: FloatPlane
    /// The crop that was fed to the backbone (for overlays and the MLLM's evidence image).
    public let input: RGBImage
}
