import Actuate
import Foundation
import Inspection
import Storage

/// What one ``Journal/append(_:events:outbox:at:)`` committed.
public struct JournalAppend: Sendable, Equatable {
    /// The parts stored, in the order given.
    public var parts: [Part]
    /// Parts not stored because a part with the same id is already in the journal: the caller
    /// reused an id (ids come from ``Journal/nextPartID()``), and the first record stands.
    public var duplicates: [Part]
    /// The events stored, with the ids the journal gave them.
    public var events: [JournalEvent]
    /// Reject outcomes whose part has no row yet (its verdict came after it reached the
    /// actuator, so its record is still on its way): the writer tries them again.
    public var unmatchedRejectResults: [RejectResult] = []
    /// Reject outcomes written to their part's row (and queued for the outbox when asked).
    public var rejectResults: [RejectResult] = []

    public init(parts: [Part] = [], duplicates: [Part] = [], events: [JournalEvent] = []) {
        self.parts = parts
        self.duplicates = duplicates
        self.events = events
    }
}

extension Journal {
    /// Stores `parts` (with the ids the caller gave them), `events` and the parts' outcomes at
    /// the reject actuator in one transaction, and queues an outbox message for each record
    /// whose topic is in `outbox` (`.reject` for an outcome): the record and its
    /// message commit together, so nothing is published that is not journalled and nothing
    /// journalled is forgotten by the publisher.
    @discardableResult
    public func append(_ parts: [Part], events: [JournalEvent] = [], outbox: Set<OutboxTopic> = [],
                       rejectResults: [RejectResult] = [], at now: Date = Date()) throws -> JournalAppend {
        let created = SQLiteValue.text(UTCTimestamp.string(now))
        return try transaction {
            var result = JournalAppend()
            let insertPart = try statement(PartRow.insert)
            let queuePart = try statement("INSERT INTO outbox (topic, part_id, created_at) VALUES ('part', ?, ?)")
            for part in parts {
                try insertPart.run(PartRow.values(of: part, encoder: encoder))
                guard database.changes == 1 else {
                    result.duplicates.append(part)
                    continue
                }
                result.parts.append(part)
                if outbox.contains(.part) { try queuePart.run([.integer(part.id.rawValue), created]) }
            }
            let insertEvent = try statement(EventRow.insert)
            let queueEvent = try statement("INSERT INTO outbox (topic, event_id, created_at) VALUES ('event', ?, ?)")
            for var event in events {
                try insertEvent.run(EventRow.values(of: event, encoder: encoder))
                let id = database.lastInsertRowID
                event.id = id
                result.events.append(event)
                if outbox.contains(.event) { try queueEvent.run([.integer(id), created]) }
            }
            // After the parts: a part's outcome at the actuator comes after its record.
            let setOutcome = try statement("UPDATE parts SET reject_outcome = ?, reject_error_ms = ? WHERE id = ?")
            let queueOutcome = try statement("INSERT INTO outbox (topic, part_id, created_at) VALUES ('reject', ?, ?)")
            for outcome in rejectResults {
                try setOutcome.run([.text(outcome.outcome.rawValue), outcome.timingErrorMs.map { .real($0) } ?? .null,
                                    .integer(outcome.id.rawValue)])
                guard database.changes == 1 else {
                    result.unmatchedRejectResults.append(outcome)
                    continue
                }
                result.rejectResults.append(outcome)
                if outbox.contains(.reject) { try queueOutcome.run([.integer(outcome.id.rawValue), created]) }
            }
            return result
        }
    }
}
