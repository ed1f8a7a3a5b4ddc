import Appliance
import Foundation
import Inspection

/// `results` as text: one aligned line per part, then a one-line summary.
struct PartListingText {
    static let header = row("id", "decided (UTC)", "verdict", "action", "reason", "score", "boxes", "total ms")

    private var count = 0
    private var actions: [PartAction: Int] = [:]
    private var unsure = 0
    private var notInspected = 0

    /// The line for `part`, counted for the summary.
    mutating func line(_ part: Part) -> String {
        count += 1
        actions[part.action, default: 0] += 1
        if part.verdict == .unsure { unsure += 1 }
        if !part.isInspected { notInspected += 1 }
        return Self.row(
            String(part.id.rawValue), UTCTimestamp.string(part.decidedAt), part.verdict?.rawValue ?? "-",
            part.action.rawValue, part.reason.rawValue, part.normalizedScore.map { String(format: "%.3f", $0) } ?? "-",
            String(part.boxes.count), part.timings.totalMs.map { String(format: "%.1f", $0) } ?? "-")
    }

    /// Counts by action, and the unsure and not inspected among them.
    var summary: String {
        var text = "\(count) part\(count == 1 ? "" : "s"): "
            + PartAction.allCases.map { "\(actions[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ")
        let notes = [(unsure, "unsure"), (notInspected, "not inspected")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
        return text
    }

    private static func row(_ id: String, _ time: String, _ verdict: String, _ action: String, _ reason: String,
                            _ score: String, _ boxes: String, _ total: String) -> String {
        left(right(id, 8), 10) + left(time, 26) + left(verdict, 9) + left(action, 8) + left(reason, 17)
            + right(score, 6) + right(boxes, 7) + right(total, 10)
    }

    private static func left(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
