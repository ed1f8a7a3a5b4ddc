import Foundation
import Inspection
import Storage

/// Which parts to read from the journal: the newest ``limit`` of those matching, given back
/// oldest first, like `tail` (without a limit, all of those matching, oldest first).
public struct PartQuery: Sendable, Equatable {
    /// A part's outcome as an operator filters by it: one of the expert's verdicts, or not
    /// inspected at all (the reason is not one the expert gave).
    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        case pass
        case reject
        case unsure
        case notInspected = "not_inspected"
    }

    /// Only parts decided at or after this time.
    public var since: Date?
    public var outcome: Outcome?
    /// Only parts with this action at the actuator.
    public var action: PartAction?
    /// The newest this many; nil for all.
    public var limit: Int?
    /// Only parts older than this one (paging back from the newest).
    public var before: PartID?

    public init(since: Date? = nil, outcome: Outcome? = nil, action: PartAction? = nil, limit: Int? = nil, before: PartID? = nil) {
        self.since = since
        self.outcome = outcome
        self.action = action
        self.limit = limit
        self.before = before
    }

    /// The SELECT for this query over ``PartRow/columns``, and its parameters.
    func statement() -> (sql: String, parameters: [SQLiteValue]) {
        var conditions: [String] = []
        var parameters: [SQLiteValue] = []
        if let since {
            conditions.append("decided_at >= ?")
            parameters.append(.text(UTCTimestamp.string(since)))
        }
        switch outcome {
        case .pass?, .reject?, .unsure?:
            conditions.append("verdict = ?")
            parameters.append(.text(outcome?.rawValue ?? ""))
        case .notInspected?:
            // By reason, as the record defines "inspected"; the verdict is NULL for these too.
            let reasons = DecisionReason.allCases.filter { !$0.isInspected }
            conditions.append("reason IN (\(reasons.map { _ in "?" }.joined(separator: ", ")))")
            parameters.append(contentsOf: reasons.map { .text($0.rawValue) })
        case nil:
            break
        }
        if let action {
            conditions.append("action = ?")
            parameters.append(.text(action.rawValue))
        }
        if let before {
            conditions.append("id < ?")
            parameters.append(.integer(before.rawValue))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let select = "SELECT \(PartRow.columns) FROM parts\(filter)"
        guard let limit else { return (select + " ORDER BY id", parameters) }
        parameters.append(.integer(Int64(max(0, limit))))
        // The newest `limit` by id (decision order), then turned back to oldest first.
        return ("SELECT * FROM (\(select) ORDER BY id DESC LIMIT ?) ORDER BY id", parameters)
    }
}
