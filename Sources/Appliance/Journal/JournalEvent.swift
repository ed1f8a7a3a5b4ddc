import Foundation

/// Something that happened to the appliance rather than to a part: a health transition, a
/// counted drop, a configuration or model load. Journalled beside the parts so that a result can
/// be read against what the line was going through, and published through the outbox.
public struct JournalEvent: Sendable, Equatable, Codable {
    /// What kind of event: a few well-known kinds, open to more (the column is plain text).
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// A component's health changed (camera lost, camera back, expert over budget...).
        public static let health = Kind(rawValue: "health")
        /// A bound was hit and items were dropped (counted; the fields say how many).
        public static let drop = Kind(rawValue: "drop")
        /// A configuration was loaded.
        public static let configLoaded = Kind(rawValue: "config_loaded")
        /// A model was loaded (the fields carry its id).
        public static let modelLoaded = Kind(rawValue: "model_loaded")
        /// The line started or stopped.
        public static let lifecycle = Kind(rawValue: "lifecycle")

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// Assigned by the journal when the event is committed (increasing, never reused); nil before.
    public var id: Int64?
    /// Wall-clock time (UTC), kept to the millisecond.
    public var at: Date
    public var kind: Kind
    /// The component it concerns, as its logger label ("camera", "expert", "journal").
    public var component: String
    /// One sentence for people.
    public var message: String
    /// Data, as the log line's `key=value` fields.
    public var fields: [String: String]

    public init(id: Int64? = nil, at: Date = Date(), kind: Kind, component: String, message: String,
                fields: [String: String] = [:]) {
        self.id = id
        self.at = at
        self.kind = kind
        self.component = component
        self.message = message
        self.fields = fields
    }
}
