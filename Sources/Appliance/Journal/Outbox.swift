import Actuate
import Foundation
import Inspection
import Storage

/// The outbox: messages the publisher drains in order and marks delivered on acknowledgement.
///
/// The publisher may use its own connection (`Journal(path:)`): SQLite serialises its short
/// transactions with the writer's.
extension Journal {
    /// The oldest `limit` undelivered messages, in sequence order, each with its record.
    public func pending(limit: Int) throws -> [OutboxMessage] {
        // Only messages whose record is still there: retention removes both together, and a row
        // deleted by hand (or a reject outcome cleared by hand) must not stall the queue behind it.
        let sql = """
            SELECT o.sequence, o.created_at, o.topic, p.reject_outcome, p.reject_error_ms,
                \(PartRow.columns(qualifiedBy: "p")), \(EventRow.columns(qualifiedBy: "e")),
                \(ExplanationRow.columns(qualifiedBy: "x"))
            FROM outbox o LEFT JOIN parts p ON p.id = o.part_id LEFT JOIN events e ON e.id = o.event_id
                LEFT JOIN explanations x ON x.id = o.explanation_id
            WHERE o.delivered_at IS NULL
                AND ((p.id IS NOT NULL AND (o.topic <> 'reject' OR p.reject_outcome IS NOT NULL))
                     OR e.id IS NOT NULL OR x.id IS NOT NULL)
            ORDER BY o.sequence LIMIT ?
            """
        return try guarded {
            let rows = try statement(sql)
            try rows.bind([.integer(Int64(max(0, limit)))])
            defer { try? rows.reset() }
            let partColumn: Int32 = 5, eventColumn = partColumn + Int32(PartRow.columnNames.count)
            let explanationColumn = eventColumn + Int32(EventRow.columnNames.count)
            var messages: [OutboxMessage] = []
            while try rows.step() {
                let sequence = rows.int(0)
                let createdText = rows.text(1)
                guard let created = UTCTimestamp.parse(createdText) else {
                    throw JournalRowError(table: "outbox", id: sequence, problem: "created_at '\(createdText)' is not a UTC time")
                }
                let payload: OutboxMessage.Payload
                if rows.text(2) == OutboxTopic.reject.rawValue {
                    let outcomeText = rows.text(3)
                    guard let outcome = RejectOutcome(rawValue: outcomeText) else {
                        throw JournalRowError(table: "parts", id: rows.int(partColumn), problem: "reject_outcome '\(outcomeText)' is unknown")
                    }
                    payload = .reject(RejectOutcomeRow(id: PartID(rawValue: rows.int(partColumn)), outcome: outcome,
                                                       timingErrorMs: rows.isNull(4) ? nil : rows.double(4)))
                } else if !rows.isNull(partColumn) {
                    payload = .part(try PartRow.part(from: rows, at: partColumn, decoder: decoder))
                } else if !rows.isNull(eventColumn) {
                    payload = .event(try EventRow.event(from: rows, at: eventColumn, decoder: decoder))
                } else {
                    payload = .explanation(try ExplanationRow.record(from: rows, at: explanationColumn, decoder: decoder))
                }
                messages.append(OutboxMessage(sequence: sequence, createdAt: created, payload: payload))
            }
            return messages
        }
    }

    /// How many messages wait for delivery.
    public func pendingCount() throws -> Int {
        try count("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
    }

    /// Marks the messages with these sequence numbers delivered (acknowledged by the broker).
    /// Returns how many were still pending; marking one twice, or one gone, is not an error.
    @discardableResult
    public func markDelivered(_ sequences: [Int64], at now: Date = Date()) throws -> Int {
        let delivered = SQLiteValue.text(UTCTimestamp.string(now))
        return try transaction {
            let mark = try statement("UPDATE outbox SET delivered_at = ? WHERE sequence = ? AND delivered_at IS NULL")
            var marked = 0
            for sequence in sequences {
                try mark.run([delivered, .integer(sequence)])
                marked += database.changes
            }
            return marked
        }
    }

    /// The outbox bound: drops the oldest undelivered messages beyond the newest `limit`, adds
    /// them to ``outboxDropped()`` and returns how many went. Their records stay in the journal;
    /// only their publication is given up (a broker away for days must not grow the file for ever).
    @discardableResult
    public func trimOutbox(keepingNewest limit: Int) throws -> Int {
        try transaction {
            try statement("""
                DELETE FROM outbox WHERE delivered_at IS NULL AND sequence NOT IN
                    (SELECT sequence FROM outbox WHERE delivered_at IS NULL ORDER BY sequence DESC LIMIT ?)
                """).run([.integer(Int64(max(0, limit)))])
            let dropped = database.changes
            try addDropped(dropped)
            return dropped
        }
    }

    /// Undelivered messages dropped over the journal's life, by the bound and by retention.
    public func outboxDropped() throws -> Int64 {
        Int64(try count("SELECT value FROM meta WHERE key = '\(JournalSchema.Meta.outboxDropped)'"))
    }

    /// Adds `count` to the dropped total; call inside a transaction.
    func addDropped(_ count: Int) throws {
        guard count > 0 else { return }
        try statement("UPDATE meta SET value = value + ? WHERE key = '\(JournalSchema.Meta.outboxDropped)'")
            .run([.integer(Int64(count))])
    }
}
