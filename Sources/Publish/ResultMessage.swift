import Foundation
import Inspection

/// The payload of `.../result`: the part record as `eagle-edge results --json` shows it, plus
/// where it comes from and whether it is late (docs/mqtt/result.schema.json).
public struct ResultMessage: Encodable, Sendable {
    /// Raised when a field changes meaning or goes away; additions keep the version.
    public static let schemaVersion = 1

    public var part: Part
    public var line: String
    public var station: String
    /// Sent long after the decision (a backlog after an outage or a restart): a receiver that
    /// drives something live from results should not act on it.
    public var historical: Bool
    public var sentAt: Date

    public init(part: Part, line: String, station: String, historical: Bool, sentAt: Date) {
        self.part = part
        self.line = line
        self.station = station
        self.historical = historical
        self.sentAt = sentAt
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case line, station, historical
        case sentAt = "sent_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
        try container.encode(historical, forKey: .historical)
        try container.encode(sentAt, forKey: .sentAt)
        // The part's own keys (part_id, decided_at, verdict...) join the same object.
        try part.encode(to: encoder)
    }
}
