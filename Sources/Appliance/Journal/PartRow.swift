import Foundation
import Inspection
import Storage

/// How a `Part` maps onto a `parts` row, both ways. Plain columns for everything people filter
/// or sort by; the suspect boxes as a JSON array (with their count beside it, so a query need
/// not parse JSON to find parts with boxes).
enum PartRow {
    /// The columns in the order ``values(of:)`` binds and ``part(from:at:)`` reads them.
    static let columnNames = [
        "id", "decided_at", "recipe", "model_id", "score", "normalized_score", "verdict", "reason", "action",
        "box_count", "boxes", "frame_sequence", "frame_monotonic_ns", "wait_ms", "decode_ms", "preprocess_ms",
        "expert_ms", "total_ms", "frame_image", "overlay_image",
    ]
    static let columns = columnNames.joined(separator: ", ")

    /// `columns` qualified with a table alias, for joins.
    static func columns(qualifiedBy alias: String) -> String {
        columnNames.map { alias + "." + $0 }.joined(separator: ", ")
    }

    /// Inserts a part unless its id is already there (the caller counts that from `changes`).
    static let insert = "INSERT INTO parts (\(columns)) VALUES (\(columnNames.map { _ in "?" }.joined(separator: ", ")))"
        + " ON CONFLICT (id) DO NOTHING"

    static func values(of part: Part, encoder: JSONEncoder) throws -> [SQLiteValue] {
        let boxes = String(decoding: try encoder.encode(part.boxes), as: UTF8.self)
        return [
            .integer(part.id.rawValue),
            .text(UTCTimestamp.string(part.decidedAt)),
            .text(part.recipe),
            optional(part.modelID, SQLiteValue.text),
            optional(part.score, SQLiteValue.real),
            optional(part.normalizedScore, SQLiteValue.real),
            optional(part.verdict) { .text($0.rawValue) },
            .text(part.reason.rawValue),
            .text(part.action.rawValue),
            .integer(Int64(part.boxes.count)),
            .text(boxes),
            // Bit patterns: a UInt64 beyond Int64.max still round-trips (SQLite integers are signed).
            optional(part.frame) { .integer(Int64(bitPattern: $0.sequence)) },
            optional(part.frame) { .integer(Int64(bitPattern: $0.monotonicNanoseconds)) },
            optional(part.timings.waitMs, SQLiteValue.real),
            optional(part.timings.decodeMs, SQLiteValue.real),
            optional(part.timings.preprocessMs, SQLiteValue.real),
            optional(part.timings.expertMs, SQLiteValue.real),
            optional(part.timings.totalMs, SQLiteValue.real),
            optional(part.images.frame, SQLiteValue.text),
            optional(part.images.overlay, SQLiteValue.text),
        ]
    }

    /// Positions in ``columnNames``.
    private enum Column: Int32 {
        case id, decidedAt, recipe, modelID, score, normalizedScore, verdict, reason, action, boxCount, boxes,
             frameSequence, frameMonotonicNs, waitMs, decodeMs, preprocessMs, expertMs, totalMs, frameImage, overlayImage
    }

    /// The part in the row's columns `first ..< first + columnNames.count`.
    static func part(from row: SQLiteStatement, at first: Int32 = 0, decoder: JSONDecoder) throws -> Part {
        func at(_ column: Column) -> Int32 { first + column.rawValue }
        let id = row.int(at(.id))
        func invalid(_ problem: String) -> JournalRowError { JournalRowError(table: "parts", id: id, problem: problem) }

        let decidedText = row.text(at(.decidedAt))
        guard let decidedAt = UTCTimestamp.parse(decidedText) else { throw invalid("decided_at '\(decidedText)' is not a UTC time") }
        guard let reason = DecisionReason(rawValue: row.text(at(.reason))) else { throw invalid("unknown reason") }
        guard let action = PartAction(rawValue: row.text(at(.action))) else { throw invalid("unknown action") }
        var verdict: Verdict?
        if let text = row.optionalText(at(.verdict)) {
            guard let known = Verdict(rawValue: text) else { throw invalid("unknown verdict '\(text)'") }
            verdict = known
        }
        let boxes: [SuspectBox]
        do {
            boxes = try decoder.decode([SuspectBox].self, from: Data(row.text(at(.boxes)).utf8))
        } catch {
            throw invalid("boxes are not a JSON array of boxes")
        }
        var frame: FrameStamp?
        if let sequence = row.optionalInt(at(.frameSequence)), let time = row.optionalInt(at(.frameMonotonicNs)) {
            frame = FrameStamp(sequence: UInt64(bitPattern: sequence), monotonicNanoseconds: UInt64(bitPattern: time))
        }
        let timings = StageTimings(
            waitMs: row.optionalDouble(at(.waitMs)), decodeMs: row.optionalDouble(at(.decodeMs)),
            preprocessMs: row.optionalDouble(at(.preprocessMs)), expertMs: row.optionalDouble(at(.expertMs)),
            totalMs: row.optionalDouble(at(.totalMs)))
        return Part(
            id: PartID(rawValue: id), frame: frame, decidedAt: decidedAt, recipe: row.text(at(.recipe)),
            modelID: row.optionalText(at(.modelID)), score: row.optionalDouble(at(.score)),
            normalizedScore: row.optionalDouble(at(.normalizedScore)), verdict: verdict, reason: reason, action: action,
            boxes: boxes, timings: timings,
            images: ArchivedImages(frame: row.optionalText(at(.frameImage)), overlay: row.optionalText(at(.overlayImage))))
    }

    private static func optional<T>(_ value: T?, _ wrap: (T) -> SQLiteValue) -> SQLiteValue {
        value.map(wrap) ?? .null
    }
}
