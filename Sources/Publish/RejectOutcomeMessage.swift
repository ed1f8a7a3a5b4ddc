import Foundation

/// The payload of `.../reject`: how one part ended at the reject actuator, published after its
/// result (the part reaches the actuator later); receivers join the two by `part_id`
/// (docs/mqtt/reject.schema.json).
public struct RejectOutcomeMessage: Encodable, Sendable, Equatable {
    /// Raised when a field changes meaning or goes away; additions keep the version.
    public static let schemaVersion = 1

    /// The part's id, as in its `.../result` message; receivers de-duplicate on it.
    public var partID: Int64
    /// `rejected`, `passed`, `fail_safe_rejected` or `missed`.
    public var outcome: String
    /// When the output fired minus when the part was due, ms; nil when nothing fired.
    public var timingErrorMs: Double?
    /// When the outcome was journalled.
    public var at: Date
    public var line: String
    public var station: String

    public init(partID: Int64, outcome: String, timingErrorMs: Double?, at: Date, line: String, station: String) {
        self.partID = partID
        self.outcome = outcome
        self.timingErrorMs = timingErrorMs
        self.at = at
        self.line = line
        self.station = station
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case partID = "part_id"
        case timingErrorMs = "timing_error_ms"
        case outcome, at, line, station
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(partID, forKey: .partID)
        try container.encode(outcome, forKey: .outcome)
        // Always present: null says no pulse, an absent key would say nothing.
        if let timingErrorMs {
            try container.encode(timingErrorMs, forKey: .timingErrorMs)
        } else {
            try container.encodeNil(forKey: .timingErrorMs)
        }
        try container.encode(at, forKey: .at)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
    }
}
