import Yams

/// Which production line and station this appliance serves; names results and MQTT topics.
public struct LineConfig: Sendable, Equatable {
    /// Name of the production line (`line.name`).
    public var name: String
    /// Name of this inspection station on the line (`line.station`).
    public var station: String

    /// The demo line's identity.
    public init(name: String = "demo-line", station: String = "station-1") {
        self.name = name
        self.station = station
    }
}

extension LineConfig {
    static func read(_ section: SectionReader) -> LineConfig {
        let defaults = LineConfig()
        return LineConfig(
            name: section.value("name", default: defaults.name, .topicLevel),
            station: section.value("station", default: defaults.station, .topicLevel)
        )
    }
}

extension Conversion where T == String {
    /// Text that can stand as one MQTT topic level: the names end up in topics, where `/`
    /// would add a level and `+`/`#` are wildcards that a broker refuses in a publish.
    static var topicLevel: Conversion<String> {
        text.checked { name in
            name.contains(where: { "/+#".contains($0) })
                ? "\(Node.quoted(name)) contains /, + or #, which cannot appear in an MQTT topic level" : nil
        }
    }
}
