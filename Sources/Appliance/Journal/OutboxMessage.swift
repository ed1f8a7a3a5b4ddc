import Explain
import Foundation
import Inspection

/// One message the publisher still has to deliver, with the record it publishes.
///
/// Messages come out in ``sequence`` order, which is commit order. The publisher sends them,
/// and marks them delivered (`Journal.markDelivered`) when the broker acknowledges them: a
/// message sent but not acknowledged before a crash is sent again, so delivery is at least
/// once and consumers dedupe on the part id (per topic), event id or explanation's part id.
public struct OutboxMessage: Sendable, Equatable {
    /// The record published.
    public enum Payload: Sendable, Equatable {
        case part(Part)
        /// A part's outcome at the actuator, as its row holds it when the message is read.
        case reject(Journal.RejectOutcomeRow)
        case event(JournalEvent)
        case explanation(ExplanationRecord)
    }

    /// Position in the outbox: increasing in commit order, never reused.
    public var sequence: Int64
    /// When the message was queued (the commit of its record).
    public var createdAt: Date
    public var payload: Payload

    public init(sequence: Int64, createdAt: Date, payload: Payload) {
        self.sequence = sequence
        self.createdAt = createdAt
        self.payload = payload
    }

    public var topic: OutboxTopic {
        switch payload {
        case .part: .part
        case .reject: .reject
        case .event: .event
        case .explanation: .explanation
        }
    }
}
