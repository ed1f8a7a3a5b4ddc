import Foundation

/// The record of one part: what every adapter (journal, reject scheduler, MQTT, explainer,
/// status page) reads, so none of them needs the appliance that made it.
///
/// Every part gets exactly one record with one ``action``, whether the expert decided it or not
/// (``reason`` says which; a part the expert did not decide gets the fail-safe action).
public struct Part: Sendable, Equatable, Codable {
    public var id: PartID
    /// The frame the part was decided on; nil when no frame of it reached the expert.
    public var frame: FrameStamp?
    /// Wall-clock time of the decision (UTC), for people; schedules use ``frame``'s clock.
    public var decidedAt: Date
    /// The recipe (`recipe.name`) in force.
    public var recipe: String
    /// Identity of the model that scored the part (a hash of the model file); nil when not
    /// inspected before any model was loaded.
    public var modelID: String?
    /// The expert's raw image score; nil when not inspected.
    public var score: Double?
    /// The score on the operators' scale: 0 typical good, 0.5 the threshold, 1 far above.
    public var normalizedScore: Double?
    /// The expert's verdict; nil when not inspected.
    public var verdict: Verdict?
    /// Which rule gave the action.
    public var reason: DecisionReason
    /// What the actuator does with the part.
    public var action: PartAction
    /// The regions behind a reject or unsure verdict, strongest first (at most a few).
    public var boxes: [SuspectBox]
    public var timings: StageTimings
    public var images: ArchivedImages

    public init(id: PartID, frame: FrameStamp?, decidedAt: Date, recipe: String, modelID: String?,
                score: Double?, normalizedScore: Double?, verdict: Verdict?, reason: DecisionReason,
                action: PartAction, boxes: [SuspectBox] = [], timings: StageTimings = StageTimings(),
                images: ArchivedImages = ArchivedImages()) {
        self.id = id
        self.frame = frame
        self.decidedAt = decidedAt
        self.recipe = recipe
        self.modelID = modelID
        self.score = score
        self.normalizedScore = normalizedScore
        self.verdict = verdict
        self.reason = reason
        self.action = action
        self.boxes = boxes
        self.timings = timings
        self.images = images
    }

    /// Whether the expert decided the part.
    public var isInspected: Bool { reason.isInspected }

    enum CodingKeys: String, CodingKey {
        case id = "part_id"
        case frame
        case decidedAt = "decided_at"
        case recipe
        case modelID = "model_id"
        case score
        case normalizedScore = "normalized_score"
        case verdict
        case reason
        case action
        case boxes
        case timings
        case images
    }
}
