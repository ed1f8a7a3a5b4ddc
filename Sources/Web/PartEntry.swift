import Inspection

/// A part as the page and `/api/parts` show it: the journal's record, what the actuator did with
/// it, and the MLLM's explanation when there is one.
public struct PartEntry: Sendable, Encodable {
    public var part: Part
    /// `rejected`, `missed`, ... at the actuator; nil when the part has not reached it.
    public var rejectOutcome: String?
    /// `explained`, `failed` or `not_explained`; nil when the part was never sent.
    public var explanationStatus: String?
    /// The explanation's text (or why there is none).
    public var explanation: String?
    /// Whether the archive kept a picture of it (`/parts/<id>/image.jpg`).
    public var hasImage: Bool

    public init(part: Part, rejectOutcome: String? = nil, explanationStatus: String? = nil, explanation: String? = nil,
                hasImage: Bool = false) {
        self.part = part
        self.rejectOutcome = rejectOutcome
        self.explanationStatus = explanationStatus
        self.explanation = explanation
        self.hasImage = hasImage
    }

    enum ExtraKeys: String, CodingKey {
        case rejectOutcome = "reject_outcome"
        case explanationStatus = "explanation_status"
        case explanation
        case hasImage = "has_image"
    }

    /// The part record's own keys, with the extra ones beside them.
    public func encode(to encoder: any Encoder) throws {
        try part.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraKeys.self)
        try extra.encode(rejectOutcome, forKey: .rejectOutcome)
        try extra.encode(explanationStatus, forKey: .explanationStatus)
        try extra.encode(explanation, forKey: .explanation)
        try extra.encode(hasImage, forKey: .hasImage)
    }
}

/// Which parts `/api/parts` returns: the newest `limit` of those before part `before`, newest
/// first, so a client pages back by passing the last id it got.
public struct PartsRequest: Sendable, Equatable {
    public var limit: Int
    public var before: PartID?
    /// Only parts the actuator rejects (`?outcome=reject`).
    public var rejectsOnly: Bool

    public init(limit: Int = 50, before: PartID? = nil, rejectsOnly: Bool = false) {
        self.limit = limit
        self.before = before
        self.rejectsOnly = rejectsOnly
    }

    /// Most parts one request returns.
    public static let maximumLimit = 500
}

/// What the server reads from the app: the line's status, the journal's parts and the archive's
/// pictures. Called on the server's tasks, never on the line's thread.
public protocol StatusSource: Sendable {
    func snapshot() -> StatusSnapshot
    func parts(_ request: PartsRequest) throws -> [PartEntry]
    /// The archived JPEG of part `id` (its frame, or the overlay when only that was kept).
    func image(of id: PartID) -> [UInt8]?
}
