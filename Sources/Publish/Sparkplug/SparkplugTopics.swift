/// The Sparkplug B 3.0 topics of one edge node: `spBv1.0/{group}/{type}/{edge node}`.
public struct SparkplugTopics: Sendable, Equatable {
    /// The Sparkplug B namespace, the first level of every topic.
    public static let namespace = "spBv1.0"

    public let groupID: String
    public let edgeNodeID: String

    /// `groupID` and `edgeNodeID` are one topic level each (the configuration refuses `/`, `+`, `#`).
    public init(groupID: String, edgeNodeID: String) {
        self.groupID = groupID
        self.edgeNodeID = edgeNodeID
    }

    public var nodeBirth: String { topic("NBIRTH") }
    public var nodeData: String { topic("NDATA") }
    public var nodeDeath: String { topic("NDEATH") }
    public var nodeCommand: String { topic("NCMD") }

    /// Where a host application publishes its retained STATE (`{"online":...,"timestamp":...}`).
    public static func hostState(_ hostID: String) -> String {
        "\(namespace)/STATE/\(hostID)"
    }

    private func topic(_ type: String) -> String {
        "\(Self.namespace)/\(groupID)/\(type)/\(edgeNodeID)"
    }
}
