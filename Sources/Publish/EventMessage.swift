import Foundation

/// The payload of `.../event`: one journalled appliance event (a health change, a counted
/// drop, a configuration or model load, the line starting or stopping).
public struct EventMessage: Encodable, Sendable, Equatable {
    public static let schemaVersion = 1

    /// The journal's event id: increasing, never reused; receivers de-duplicate on it.
    public var eventID: Int64
    public var at: Date
    public var kind: String
    public var component: String
    public var message: String
    public var fields: [String: String]
    public var line: String
    public var station: String

    public init(eventID: Int64, at: Date, kind: String, component: String, message: String,
                fields: [String: String], line: String, station: String) {
        self.eventID = eventID
        self.at = at
        self.kind = kind
        self.component = component
        self.message = message
        self.fields = fields
        self.line = line
        self.station = station
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case eventID = "event_id"
        case at, kind, component, message, fields, line, station
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(at, forKey: .at)
        try container.encode(kind, forKey: .kind)
        try container.encode(component, forKey: .component)
        try container.encode(message, forKey: .message)
        try container.encode(fields, forKey: .fields)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
    }
}
