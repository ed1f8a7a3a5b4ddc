import Foundation
import Storage

/// How a ``JournalEvent`` maps onto an `events` row, both ways; the fields as a JSON object.
enum EventRow {
    static let columnNames = ["id", "at", "kind", "component", "message", "fields"]
    static let columns = columnNames.joined(separator: ", ")

    /// `columns` qualified with a table alias, for joins.
    static func columns(qualifiedBy alias: String) -> String {
        columnNames.map { alias + "." + $0 }.joined(separator: ", ")
    }

    /// Inserts an event; the journal picks its id.
    static let insert = "INSERT INTO events (at, kind, component, message, fields) VALUES (?, ?, ?, ?, ?)"

    static func values(of event: JournalEvent, encoder: JSONEncoder) throws -> [SQLiteValue] {
        [
            .text(UTCTimestamp.string(event.at)), .text(event.kind.rawValue), .text(event.component),
            .text(event.message), .text(String(decoding: try encoder.encode(event.fields), as: UTF8.self)),
        ]
    }

    /// The event in the row's columns `first ..< first + columnNames.count`.
    static func event(from row: SQLiteStatement, at first: Int32 = 0, decoder: JSONDecoder) throws -> JournalEvent {
        let id = row.int(first)
        let atText = row.text(first + 1)
        guard let at = UTCTimestamp.parse(atText) else {
            throw JournalRowError(table: "events", id: id, problem: "at '\(atText)' is not a UTC time")
        }
        let fields: [String: String]
        do {
            fields = try decoder.decode([String: String].self, from: Data(row.text(first + 5).utf8))
        } catch {
            throw JournalRowError(table: "events", id: id, problem: "fields are not a JSON object of strings")
        }
        return JournalEvent(id: id, at: at, kind: JournalEvent.Kind(rawValue: row.text(first + 2)),
                            component: row.text(first + 3), message: row.text(first + 4), fields: fields)
    }
}
