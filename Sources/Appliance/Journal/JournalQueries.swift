import Foundation
import Inspection
import Storage

extension Journal {
    /// Calls `body` with each part `query` selects, oldest first, without holding them all.
    public func forEachPart(_ query: PartQuery, _ body: (Part) throws -> Void) throws {
        let (sql, parameters) = query.statement()
        try guarded {
            let rows = try statement(sql)
            try rows.bind(parameters)
            // Reset even when `body` throws: an unfinished cached statement holds a read open.
            defer { try? rows.reset() }
            while try rows.step() { try body(PartRow.part(from: rows, decoder: decoder)) }
        }
    }

    /// The parts `query` selects, oldest first.
    public func parts(_ query: PartQuery = PartQuery()) throws -> [Part] {
        var parts: [Part] = []
        try forEachPart(query) { parts.append($0) }
        return parts
    }

    /// The part with `id`, if the journal still holds it.
    public func part(_ id: PartID) throws -> Part? {
        try guarded {
            let row = try statement("SELECT \(PartRow.columns) FROM parts WHERE id = ?")
            try row.bind([.integer(id.rawValue)])
            defer { try? row.reset() }
            return try row.step() ? PartRow.part(from: row, decoder: decoder) : nil
        }
    }

    /// How many parts the journal holds.
    public func partCount() throws -> Int {
        try count("SELECT count(*) FROM parts")
    }

    /// The newest `limit` events (all when nil) at or after `since`, oldest first.
    public func events(since: Date? = nil, limit: Int? = nil) throws -> [JournalEvent] {
        var sql = "SELECT \(EventRow.columns) FROM events"
        var parameters: [SQLiteValue] = []
        if let since {
            sql += " WHERE at >= ?"
            parameters.append(.text(UTCTimestamp.string(since)))
        }
        if let limit {
            sql = "SELECT * FROM (\(sql) ORDER BY id DESC LIMIT ?) ORDER BY id"
            parameters.append(.integer(Int64(max(0, limit))))
        } else {
            sql += " ORDER BY id"
        }
        return try guarded {
            let rows = try statement(sql)
            try rows.bind(parameters)
            defer { try? rows.reset() }
            var events: [JournalEvent] = []
            while try rows.step() { events.append(try EventRow.event(from: rows, decoder: decoder)) }
            return events
        }
    }

    /// The first column of the first row of `sql`, as a count.
    func count(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> Int {
        try guarded {
            let row = try statement(sql)
            try row.bind(parameters)
            defer { try? row.reset() }
            return try row.step() ? Int(row.int(0)) : 0
        }
    }
}
