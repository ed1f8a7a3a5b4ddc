/// Where one part's time went, in milliseconds; a stage the part did not reach is nil.
public struct StageTimings: Sendable, Equatable, Codable {
    /// From capture (the frame's monotonic timestamp) to the inspection thread taking it.
    public var waitMs: Double?
    /// Decoding the frame to RGB (MJPEG or YUYV).
    public var decodeMs: Double?
    /// ROI crop and resize to the backbone's input.
    public var preprocessMs: Double?
    /// The expert: backbone, patch features, search, anomaly map.
    public var expertMs: Double?
    /// From capture to the decision: what the frame budget (`decision.budget_ms`) bounds.
    public var totalMs: Double?

    public init(waitMs: Double? = nil, decodeMs: Double? = nil, preprocessMs: Double? = nil,
                expertMs: Double? = nil, totalMs: Double? = nil) {
        self.waitMs = waitMs
        self.decodeMs = decodeMs
        self.preprocessMs = preprocessMs
        self.expertMs = expertMs
        self.totalMs = totalMs
    }

    enum CodingKeys: String, CodingKey {
        case waitMs = "wait_ms"
        case decodeMs = "decode_ms"
        case preprocessMs = "preprocess_ms"
        case expertMs = "expert_ms"
        case totalMs = "total_ms"
    }
}
