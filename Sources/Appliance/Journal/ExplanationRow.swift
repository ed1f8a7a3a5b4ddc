import Explain
import Foundation
import Inspection
import Storage

/// How an ``ExplanationRecord`` maps onto an `explanations` row, both ways: plain columns for
/// each field of the answer (people filter by defect type or severity), the salvage notes as a
/// JSON array.
enum ExplanationRow {
    static let columnNames = [
        "id", "part_id", "finished_at", "status", "reason", "model", "latency_ms", "queued_ms", "attempts",
        "prompt_tokens", "completion_tokens", "anomalous", "agrees_with_expert", "defect_type", "box", "location",
        "severity", "description", "confidence", "salvage",
    ]
    static let columns = columnNames.joined(separator: ", ")

    /// `columns` qualified with a table alias, for joins.
    static func columns(qualifiedBy alias: String) -> String {
        columnNames.map { alias + "." + $0 }.joined(separator: ", ")
    }

    /// Inserts a record; the journal picks its id.
    static let insert = "INSERT INTO explanations (\(columnNames.dropFirst().joined(separator: ", ")))"
        + " VALUES (\(columnNames.dropFirst().map { _ in "?" }.joined(separator: ", ")))"

    static func values(of record: ExplanationRecord, encoder: JSONEncoder) throws -> [SQLiteValue] {
        let answer = record.explanation
        return [
            .integer(record.partID.rawValue),
            .text(UTCTimestamp.string(record.finishedAt)),
            .text(record.status.rawValue),
            optional(record.reason, SQLiteValue.text),
            .text(record.model),
            optional(record.latencyMs, SQLiteValue.real),
            .real(record.queuedMs),
            .integer(Int64(record.attempts)),
            optional(record.usage) { .integer(Int64($0.prompt)) },
            optional(record.usage) { .integer(Int64($0.completion)) },
            optional(answer?.anomalous) { .integer($0 ? 1 : 0) },
            optional(answer?.agreesWithExpert) { .integer($0 ? 1 : 0) },
            optional(answer?.defectType, SQLiteValue.text),
            optional(answer?.box) { .integer(Int64($0)) },
            optional(answer?.location, SQLiteValue.text),
            optional(answer?.severity) { .text($0.rawValue) },
            optional(answer?.description, SQLiteValue.text),
            optional(answer?.confidence, SQLiteValue.real),
            .text(String(decoding: try encoder.encode(answer?.salvage ?? []), as: UTF8.self)),
        ]
    }

    /// The record in the row's columns `first ..< first + columnNames.count`.
    static func record(from row: SQLiteStatement, at first: Int32 = 0, decoder: JSONDecoder) throws -> ExplanationRecord {
        let id = row.int(first)
        let finishedText = row.text(first + 2)
        guard let finished = UTCTimestamp.parse(finishedText) else {
            throw JournalRowError(table: "explanations", id: id, problem: "finished_at '\(finishedText)' is not a UTC time")
        }
        guard let status = ExplanationRecord.Status(rawValue: row.text(first + 3)) else {
            throw JournalRowError(table: "explanations", id: id, problem: "status '\(row.text(first + 3))' is unknown")
        }
        let usage = row.optionalInt(first + 9).flatMap { prompt in
            row.optionalInt(first + 10).map { TokenUsage(prompt: Int(prompt), completion: Int($0)) }
        }
        var explanation: Explanation?
        if let description = row.optionalText(first + 17) {
            let salvage = (try? decoder.decode([String].self, from: Data(row.text(first + 19).utf8))) ?? []
            explanation = Explanation(anomalous: row.optionalInt(first + 11).map { $0 != 0 },
                                      agreesWithExpert: row.optionalInt(first + 12).map { $0 != 0 },
                                      defectType: row.optionalText(first + 13), box: row.optionalInt(first + 14).map { Int($0) },
                                      location: row.optionalText(first + 15),
                                      severity: row.optionalText(first + 16).flatMap(Explanation.Severity.init(rawValue:)),
                                      description: description, confidence: row.optionalDouble(first + 18), salvage: salvage)
        }
        return ExplanationRecord(partID: PartID(rawValue: row.int(first + 1)), status: status, explanation: explanation,
                                 reason: row.optionalText(first + 4), model: row.text(first + 5),
                                 latencyMs: row.optionalDouble(first + 6), queuedMs: row.double(first + 7),
                                 attempts: Int(row.int(first + 8)), usage: usage, finishedAt: finished)
    }

    private static func optional<T>(_ value: T?, _ wrap: (T) -> SQLiteValue) -> SQLiteValue {
        value.map(wrap) ?? .null
    }
}
