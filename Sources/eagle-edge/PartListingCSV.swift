import Appliance
import Foundation
import Inspection

/// `results --csv`: RFC 4180, a header row, one row per part; empty cells for what a part lacks.
enum PartListingCSV {
    static let header = [
        "part_id", "decided_at", "recipe", "model_id", "verdict", "action", "reason", "score", "normalized_score",
        "boxes", "wait_ms", "decode_ms", "preprocess_ms", "expert_ms", "total_ms", "frame_sequence",
        "frame_monotonic_ns", "frame_image", "overlay_image",
    ].joined(separator: ",")

    static func row(_ part: Part) -> String {
        func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        let cells: [String] = [
            String(part.id.rawValue), UTCTimestamp.string(part.decidedAt), part.recipe, part.modelID ?? "",
            part.verdict?.rawValue ?? "", part.action.rawValue, part.reason.rawValue, number(part.score),
            number(part.normalizedScore), String(part.boxes.count), number(part.timings.waitMs),
            number(part.timings.decodeMs), number(part.timings.preprocessMs), number(part.timings.expertMs),
            number(part.timings.totalMs), part.frame.map { String($0.sequence) } ?? "",
            part.frame.map { String($0.monotonicNanoseconds) } ?? "", part.images.frame ?? "", part.images.overlay ?? "",
        ]
        return cells.map(quoted).joined(separator: ",")
    }

    /// A cell quoted when it holds a comma, a quote or a line break, its quotes doubled.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
