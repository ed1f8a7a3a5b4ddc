import Actuate
import Inspection

extension Journal {
    /// A part's end at the reject actuator, as its row holds it.
    public struct RejectOutcomeRow: Sendable, Equatable {
        public var id: PartID
        public var outcome: RejectOutcome
        /// Pulse start minus the part's due moment, ms; nil when nothing fired.
        public var timingErrorMs: Double?

        public init(id: PartID, outcome: RejectOutcome, timingErrorMs: Double? = nil) {
            self.id = id
            self.outcome = outcome
            self.timingErrorMs = timingErrorMs
        }
    }

    /// The parts that have reached the actuator, oldest first (parts still on their way, and
    /// every part of a line without the actuator, have none).
    public func rejectOutcomes() throws -> [RejectOutcomeRow] {
        try guarded {
            let rows = try statement("SELECT id, reject_outcome, reject_error_ms FROM parts WHERE reject_outcome IS NOT NULL ORDER BY id")
            defer { try? rows.reset() }
            var found: [RejectOutcomeRow] = []
            while try rows.step() {
                guard let outcome = RejectOutcome(rawValue: rows.text(1)) else { continue }
                found.append(RejectOutcomeRow(id: PartID(rawValue: rows.int(0)), outcome: outcome,
                                              timingErrorMs: rows.isNull(2) ? nil : rows.double(2)))
            }
            return found
        }
    }

    /// Part `id`'s end at the actuator; nil while it has none (or the journal no longer holds it).
    public func rejectOutcome(of id: PartID) throws -> RejectOutcomeRow? {
        try guarded {
            let row = try statement("SELECT id, reject_outcome, reject_error_ms FROM parts WHERE id = ? AND reject_outcome IS NOT NULL")
            try row.bind([.integer(id.rawValue)])
            defer { try? row.reset() }
            guard try row.step(), let outcome = RejectOutcome(rawValue: row.text(1)) else { return nil }
            return RejectOutcomeRow(id: id, outcome: outcome, timingErrorMs: row.isNull(2) ? nil : row.double(2))
        }
    }
}
