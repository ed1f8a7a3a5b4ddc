import Foundation

/// The payload of `.../explanation`: what the MLLM explainer made of one flagged part, joined to
/// the part by `part_id` (its result went out on `.../result` first).
///
/// `status` is `explained` (the answer's fields follow; any may be null when the answer had
/// to be salvaged, `salvage` says how), `failed` (the endpoint was asked but gave nothing
/// usable) or `not_explained` (never sent: queue full, endpoint paused, appliance stopping);
/// `reason` says why for the last two.
public struct ExplanationMessage: Encodable, Sendable, Equatable {
    public static let schemaVersion = 1

    /// The answer's fields, as the explainer validated them.
    public struct Answer: Sendable, Equatable {
        public var anomalous: Bool?
        public var agreesWithExpert: Bool?
        public var defectType: String?
        public var box: Int?
        public var location: String?
        public var severity: String?
        public var description: String
        public var confidence: Double?
        public var salvage: [String]

        public init(anomalous: Bool?, agreesWithExpert: Bool?, defectType: String?, box: Int?, location: String?,
                    severity: String?, description: String, confidence: Double?, salvage: [String]) {
            self.anomalous = anomalous
            self.agreesWithExpert = agreesWithExpert
            self.defectType = defectType
            self.box = box
            self.location = location
            self.severity = severity
            self.description = description
            self.confidence = confidence
            self.salvage = salvage
        }
    }

    public var partID: Int64
    public var status: String
    public var reason: String?
    public var answer: Answer?
    public var model: String
    public var latencyMs: Double?
    public var queuedMs: Double
    public var attempts: Int
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var finishedAt: Date
    public var line: String
    public var station: String

    public init(partID: Int64, status: String, reason: String?, answer: Answer?, model: String, latencyMs: Double?,
                queuedMs: Double, attempts: Int, promptTokens: Int?, completionTokens: Int?, finishedAt: Date,
                line: String, station: String) {
        self.partID = partID
        self.status = status
        self.reason = reason
        self.answer = answer
        self.model = model
        self.latencyMs = latencyMs
        self.queuedMs = queuedMs
        self.attempts = attempts
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishedAt = finishedAt
        self.line = line
        self.station = station
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case partID = "part_id"
        case status, reason, model, attempts, line, station
        case latencyMs = "latency_ms"
        case queuedMs = "queued_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case finishedAt = "finished_at"
        case anomalous
        case agreesWithExpert = "agrees_with_expert"
        case defectType = "defect_type"
        case box, location, severity, description, confidence, salvage
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(partID, forKey: .partID)
        try container.encode(status, forKey: .status)
        try container.encode(reason, forKey: .reason)
        try container.encode(model, forKey: .model)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(queuedMs, forKey: .queuedMs)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
        // The answer's fields at the top level (null when there is no answer), so a dashboard
        // reads `defect_type` without unwrapping.
        try container.encode(answer?.anomalous, forKey: .anomalous)
        try container.encode(answer?.agreesWithExpert, forKey: .agreesWithExpert)
        try container.encode(answer?.defectType, forKey: .defectType)
        try container.encode(answer?.box, forKey: .box)
        try container.encode(answer?.location, forKey: .location)
        try container.encode(answer?.severity, forKey: .severity)
        try container.encode(answer?.description, forKey: .description)
        try container.encode(answer?.confidence, forKey: .confidence)
        try container.encode(answer?.salvage ?? [], forKey: .salvage)
    }
}
