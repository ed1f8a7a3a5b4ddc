import Foundation

/// The payload of the retained `.../status`: whether the station is alive, and what it runs
/// (docs/mqtt/status.schema.json). The will carries the `offline` form.
public struct StatusMessage: Encodable, Sendable, Equatable {
    public static let schemaVersion = 1

    public enum State: String, Encodable, Sendable {
        case online
        case offline
    }

    /// Why the station is offline; nil while online.
    public enum OfflineReason: String, Encodable, Sendable {
        /// The appliance stopped and said so itself.
        case stopped
        /// The broker published the will: the connection vanished (crash, power, network).
        case connectionLost = "connection_lost"
    }

    public var state: State
    public var reason: OfflineReason?
    public var line: String
    public var station: String
    /// The eagle-edge version.
    public var version: String
    public var recipe: String
    public var modelID: String?
    /// When this run of the appliance started.
    public var startedAt: Date

    public init(state: State, reason: OfflineReason? = nil, line: String, station: String, version: String,
                recipe: String, modelID: String?, startedAt: Date) {
        self.state = state
        self.reason = reason
        self.line = line
        self.station = station
        self.version = version
        self.recipe = recipe
        self.modelID = modelID
        self.startedAt = startedAt
    }

    /// The same station, offline for `reason`.
    public func offline(_ reason: OfflineReason) -> StatusMessage {
        var copy = self
        copy.state = .offline
        copy.reason = reason
        return copy
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case state, reason, line, station, version, recipe
        case modelID = "model_id"
        case startedAt = "started_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
        try container.encode(version, forKey: .version)
        try container.encode(recipe, forKey: .recipe)
        try container.encodeIfPresent(modelID, forKey: .modelID)
        try container.encode(startedAt, forKey: .startedAt)
    }
}
