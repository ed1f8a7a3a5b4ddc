import Foundation

/// The payload of the retained `.../health`: each component's state and why, published when a
/// state or its reason changes and on every connect (docs/mqtt/health.schema.json).
public struct HealthMessage: Encodable, Sendable, Equatable {
    public static let schemaVersion = 1

    /// One component (`camera`, `expert`, `journal`, `archive`, `mqtt`).
    public struct Component: Encodable, Sendable, Equatable {
        public var name: String
        /// `ok`, `degraded` (working, with a fault that loses no decision) or `failed`.
        public var state: String
        /// Why, when not ok.
        public var detail: String?
        /// For the publisher: messages waiting in the outbox and the age of the oldest, in
        /// seconds, when the message was made.
        public var backlog: Int?
        public var oldestAgeS: Double?

        public init(name: String, state: String, detail: String? = nil, backlog: Int? = nil, oldestAgeS: Double? = nil) {
            self.name = name
            self.state = state
            self.detail = detail
            self.backlog = backlog
            self.oldestAgeS = oldestAgeS
        }

        private enum CodingKeys: String, CodingKey {
            case name, state, detail, backlog
            case oldestAgeS = "oldest_age_s"
        }
    }

    public var line: String
    public var station: String
    public var at: Date
    /// The worst component's state.
    public var overall: String
    public var components: [Component]

    public init(line: String, station: String, at: Date, overall: String, components: [Component]) {
        self.line = line
        self.station = station
        self.at = at
        self.overall = overall
        self.components = components
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case line, station, at, overall, components
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
        try container.encode(at, forKey: .at)
        try container.encode(overall, forKey: .overall)
        try container.encode(components, forKey: .components)
    }
}
