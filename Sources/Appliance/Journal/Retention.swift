import Foundation
import Storage

/// What a retention pass deleted.
public struct RetentionReport: Sendable, Equatable {
    public var parts = 0
    public var events = 0
    /// Explanations of parts (`explanations` rows).
    public var explanations = 0
    /// Outbox messages deleted with their records.
    public var outboxMessages = 0
    /// Of those, messages never delivered (also added to `Journal.outboxDropped()`).
    public var undelivered = 0

    public init(parts: Int = 0, events: Int = 0, outboxMessages: Int = 0, undelivered: Int = 0) {
        self.parts = parts
        self.events = events
        self.outboxMessages = outboxMessages
        self.undelivered = undelivered
    }

    mutating func add(_ other: RetentionReport) {
        parts += other.parts
        events += other.events
        explanations += other.explanations
        outboxMessages += other.outboxMessages
        undelivered += other.undelivered
    }
}

extension Journal {
    /// The time before which `storage.keep_days` lets records go.
    public static func retentionCutoff(keepDays: Int, now: Date = Date()) -> Date {
        now.addingTimeInterval(-Double(keepDays) * 86_400)
    }

    /// Deletes parts and events older than `keepDays` days before `now` (`storage.keep_days`),
    /// with their outbox messages. The part id high-water mark stays.
    @discardableResult
    public func applyRetention(keepDays: Int, now: Date = Date()) throws -> RetentionReport {
        try deleteRecords(before: Self.retentionCutoff(keepDays: keepDays, now: now))
    }

    /// Deletes parts and events from before `cutoff`, with their outbox messages, in
    /// transactions of at most `chunk` parts and `chunk` events: a first pass after a long stop
    /// may delete millions, and a transaction that large would hold the lock (and grow the WAL)
    /// for a long time.
    @discardableResult
    public func deleteRecords(before cutoff: Date, chunk: Int = 5_000) throws -> RetentionReport {
        var report = RetentionReport()
        let size = max(1, chunk)
        while true {
            let step = try deleteOldestRecords(before: cutoff, limit: size)
            report.add(step)
            if step.parts < size && step.events < size && step.explanations < size { return report }
        }
    }

    /// One transaction of ``deleteRecords(before:chunk:)``: the oldest `limit` parts and the
    /// oldest `limit` events from before `cutoff`.
    func deleteOldestRecords(before cutoff: Date, limit: Int) throws -> RetentionReport {
        let old = [SQLiteValue.text(UTCTimestamp.string(cutoff)), .integer(Int64(max(1, limit)))]
        return try transaction {
            var report = RetentionReport()
            for (table, time, key) in [("parts", "decided_at", "part_id"), ("events", "at", "event_id"),
                                       ("explanations", "finished_at", "explanation_id")] {
                // The index on the time column makes this the oldest rows, the same set for each
                // statement of the transaction.
                let oldest = "SELECT id FROM \(table) WHERE \(time) < ?1 ORDER BY \(time) LIMIT ?2"
                try statement("DELETE FROM outbox WHERE delivered_at IS NULL AND \(key) IN (\(oldest))").run(old)
                let undelivered = database.changes
                try statement("DELETE FROM outbox WHERE \(key) IN (\(oldest))").run(old)
                report.outboxMessages += undelivered + database.changes
                report.undelivered += undelivered
                try addDropped(undelivered)
                try statement("DELETE FROM \(table) WHERE id IN (\(oldest))").run(old)
                switch table {
                case "parts": report.parts = database.changes
                case "events": report.events = database.changes
                default: report.explanations = database.changes
                }
            }
            return report
        }
    }
}
