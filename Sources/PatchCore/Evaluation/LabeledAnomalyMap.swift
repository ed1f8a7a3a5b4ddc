import Imaging

/// One test image's anomaly map with its ground-truth mask, the unit of pixel-level evaluation.
public struct LabeledAnomalyMap: Sendable, Equatable {
    /// Map and mask width.
    public let width: Int
    /// Map and mask height.
    public let height: Int
    /// Row-major anomaly scores, higher = more anomalous. Float because maps are; 4 bytes a
    /// pixel matter when an evaluation holds millions.
    public let scores: [Float]
    /// Row-major ground truth: nonzero = defect (MVTec masks use 255).
    public let mask: [UInt8]

    /// Pairs a map with its mask.
    /// - Throws: `MetricsError.sizeMismatch` when either does not hold `width * height` values,
    ///   `MetricsError.notANumber` for a NaN score (index into `scores`).
    public init(width: Int, height: Int, scores: [Float], mask: [UInt8]) throws(MetricsError) {
        guard width >= 0, height >= 0, scores.count == width * height else {
            throw .sizeMismatch(what: "anomaly map", width: width, height: height, values: scores.count)
        }
        guard mask.count == width * height else {
            throw .sizeMismatch(what: "mask", width: width, height: height, values: mask.count)
        }
        if let index = scores.firstIndex(where: { $0.isNaN }) {
            throw .notANumber(index: index)
        }
        self.width = width
        self.height = height
        self.scores = scores
        self.mask = mask
    }

    /// Pairs an anomaly map plane with a decoded mask image of the same size.
    /// - Throws: as ``init(width:height:scores:mask:)``.
    public init(map: FloatPlane, mask: GrayImage) throws(MetricsError) {
        guard mask.width == map.width, mask.height == map.height else {
            throw .sizeMismatch(what: "mask", width: map.width, height: map.height, values: mask.pixels.count)
        }
        try self.init(width: map.width, height: map.height, scores: map.values, mask: mask.pixels)
    }
}
