/// The Sparkplug B 3.0 edge node (`mqtt.sparkplug.*`): the station as an edge node on the broker
/// of `mqtt.*`, beside the JSON topics (docs/mqtt.md, "Sparkplug B").
public struct SparkplugConfig: Sendable, Equatable {
    /// Whether to publish Sparkplug B at all (needs `mqtt.enabled`).
    public var enabled: Bool
    /// `spBv1.0/{group_id}/...`: the group of edge nodes a host application subscribes to.
    public var groupID: String
    /// The edge node's id; nil derives `{line.name}-{line.station}` (see `ApplianceConfig.sparkplugEdgeNodeID`).
    public var edgeNodeID: String?
    /// The primary host application whose STATE gates births and triggers store and forward;
    /// nil publishes as soon as the broker accepts the connection.
    public var primaryHostID: String?
    /// Seconds between looks at the line's counters and health, 1...3600 (sent when changed).
    public var countersIntervalS: Int

    public init(enabled: Bool = false, groupID: String = "eagle-edge", edgeNodeID: String? = nil, primaryHostID: String? = nil,
                countersIntervalS: Int = 10) {
        self.enabled = enabled
        self.groupID = groupID
        self.edgeNodeID = edgeNodeID
        self.primaryHostID = primaryHostID
        self.countersIntervalS = countersIntervalS
    }
}

extension SparkplugConfig {
    static func read(_ section: SectionReader) -> SparkplugConfig {
        let defaults = SparkplugConfig()
        return SparkplugConfig(
            enabled: section.value("enabled", default: defaults.enabled, .boolean),
            groupID: section.value("group_id", default: defaults.groupID, .topicLevel),
            edgeNodeID: section.optional("edge_node_id", .topicLevel),
            primaryHostID: section.optional("primary_host_id", .topicLevel),
            countersIntervalS: section.value("counters_interval_s", default: defaults.countersIntervalS, .integer(in: 1...3600))
        )
    }
}

extension ApplianceConfig {
    /// The Sparkplug edge node id: `mqtt.sparkplug.edge_node_id`, or `{line.name}-{line.station}`.
    public var sparkplugEdgeNodeID: String {
        mqtt.sparkplug.edgeNodeID ?? "\(line.name)-\(line.station)"
    }

    /// The Sparkplug connection's client id: the JSON connection's with `-spb` (its own session,
    /// since its will is the NDEATH).
    public var sparkplugClientID: String {
        "\(mqttClientID)-spb"
    }
}
