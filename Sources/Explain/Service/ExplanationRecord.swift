import Foundation
import Inspection

/// How the explainer finished with one flagged part: every part it was given ends with exactly
/// one record, explained or not, and the reason when not.
public struct ExplanationRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable, Codable {
        /// The model answered and the answer was read (perhaps salvaged: see ``Explanation/salvage``).
        case explained
        /// The endpoint was asked but gave no usable answer (errors after retries, an unreadable answer).
        case failed
        /// The endpoint was never asked: dropped from a full queue, refused while the circuit was
        /// open, or the appliance stopped first.
        case notExplained = "not_explained"
    }

    public var partID: PartID
    public var status: Status
    public var explanation: Explanation?
    /// Why not explained or failed; nil when explained.
    public var reason: String?
    /// The model asked (as configured), or the one the endpoint says answered.
    public var model: String
    /// Milliseconds from the first attempt to the end of the last, retries and back-off included;
    /// nil when the endpoint was never asked.
    public var latencyMs: Double?
    /// Milliseconds the part waited in the queue.
    public var queuedMs: Double
    /// HTTP requests sent for the part.
    public var attempts: Int
    public var usage: TokenUsage?
    /// Wall-clock time of the outcome (UTC), for people.
    public var finishedAt: Date

    public init(partID: PartID, status: Status, explanation: Explanation? = nil, reason: String? = nil, model: String,
                latencyMs: Double? = nil, queuedMs: Double = 0, attempts: Int = 0, usage: TokenUsage? = nil,
                finishedAt: Date = Date()) {
        self.partID = partID
        self.status = status
        self.explanation = explanation
        self.reason = reason
        self.model = model
        self.latencyMs = latencyMs
        self.queuedMs = queuedMs
        self.attempts = attempts
        self.usage = usage
        self.finishedAt = finishedAt
    }
}
