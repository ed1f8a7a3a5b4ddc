/// How a model with ``LineEvidence`` adds the two witnesses patch by patch: each is measured in
/// its own spread among good parts, `(distance - patchCenter) / patchSpread + (line -
/// lineCenter) / lineSpread`, and the image score is the largest sum. A crack lifts both in the
/// same patch; a good part's odd grain and its odd texture elsewhere do not add up.
///
/// Centre and spread are the median and the interquartile range of the teach images' largest
/// values: of their out-of-bank patch distances (the calibration's) and of their line grids.
/// Both are robust to the few odd good parts that set the threshold's tail.
public struct ScoreFusion: Sendable, Equatable {
    public var patchCenter: Float
    public var patchSpread: Float
    public var lineCenter: Float
    public var lineSpread: Float

    public init(patchCenter: Float, patchSpread: Float, lineCenter: Float, lineSpread: Float) {
        self.patchCenter = patchCenter
        self.patchSpread = patchSpread
        self.lineCenter = lineCenter
        self.lineSpread = lineSpread
    }

    /// Fitted on the teach images' largest out-of-bank patch distances and largest line values.
    /// A spread of zero (identical images) is taken as 1, so that scores stay finite.
    public init(patchMaxima: [Float], lineMaxima: [Float]) {
        func centerAndSpread(_ values: [Float]) -> (Float, Float) {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return (0, 1) }
            let spread = Float(ThresholdRule.quantile(ascending: sorted, 0.75) - ThresholdRule.quantile(ascending: sorted, 0.25))
            return (Float(ThresholdRule.quantile(ascending: sorted, 0.5)), spread > 0 ? spread : 1)
        }
        (patchCenter, patchSpread) = centerAndSpread(patchMaxima)
        (lineCenter, lineSpread) = centerAndSpread(lineMaxima)
    }

    /// The fused score of every patch; `distances` and `lines` are on the same grid.
    public func fused(distances: [Float], lines: [Float]) throws -> [Float] {
        guard distances.count == lines.count else {
            throw PatchCoreError.inputMismatch("\(distances.count) patch distances against \(lines.count) line values")
        }
        return zip(distances, lines).map { ($0 - patchCenter) / patchSpread + ($1 - lineCenter) / lineSpread }
    }
}
