import Explain
import Foundation
import Inspection
import Storage

extension Journal {
    /// Stores what the explainer made of a part and, with `publish`, queues its outbox message
    /// in the same transaction. Returns the row's id.
    @discardableResult
    public func append(_ record: ExplanationRecord, publish: Bool, at now: Date = Date()) throws -> Int64 {
        try transaction {
            try statement(ExplanationRow.insert).run(ExplanationRow.values(of: record, encoder: encoder))
            let id = database.lastInsertRowID
            if publish {
                try statement("INSERT INTO outbox (topic, explanation_id, created_at) VALUES ('explanation', ?, ?)")
                    .run([.integer(id), .text(UTCTimestamp.string(now))])
            }
            return id
        }
    }

    /// The explanations of part `id`, oldest first (normally one).
    public func explanations(of id: PartID) throws -> [ExplanationRecord] {
        try explanations(where: "part_id = ?", [.integer(id.rawValue)])
    }

    /// The newest `limit` explanations, oldest first.
    public func explanations(limit: Int = 100) throws -> [ExplanationRecord] {
        try explanations(where: "id IN (SELECT id FROM explanations ORDER BY id DESC LIMIT ?)", [.integer(Int64(max(0, limit)))])
    }

    private func explanations(where condition: String, _ parameters: [SQLiteValue]) throws -> [ExplanationRecord] {
        try guarded {
            let rows = try statement("SELECT \(ExplanationRow.columns) FROM explanations WHERE \(condition) ORDER BY id")
            try rows.bind(parameters)
            defer { try? rows.reset() }
            var records: [ExplanationRecord] = []
            while try rows.step() { records.append(try ExplanationRow.record(from: rows, decoder: decoder)) }
            return records
        }
    }
}
