/// A top-level section of the configuration, and whether this build acts on it.
///
/// Every section is validated whatever its state, so a site file written today keeps working
/// when the part that reads it arrives. A reserved section's values change nothing yet: the
/// shipped `Config/eagle-edge.yaml` and `eagle-edge check-config` say so for each one, and a
/// test keeps them in step with this table.
public struct ConfigSection: Sendable, Equatable {
    /// What this build does with a section's values.
    public enum Use: Sendable, Equatable {
        /// Read and acted on, by the part named.
        case inEffect(by: String)
        /// Validated only: the part named, which will read it, is not built yet.
        case reserved(for: String)
    }

    /// The section's key, e.g. `camera`.
    public let name: String
    /// Whether anything acts on it.
    public let use: Use

    /// The line (`eagle-edge run` and `demo`) reads these sections.
    private static let line = "the line: eagle-edge run"

    /// Every section, in the order of the shipped file.
    public static let all: [ConfigSection] = [
        ConfigSection(name: "line", use: .inEffect(by: "MQTT topics and payloads; the trigger: eagle-edge run")),
        ConfigSection(name: "camera", use: .inEffect(by: line)),
        ConfigSection(name: "recipe", use: .inEffect(by: line)),
        ConfigSection(name: "expert", use: .inEffect(by: line)),
        ConfigSection(name: "decision", use: .inEffect(by: line)),
        ConfigSection(name: "reject", use: .inEffect(by: "the reject actuator: eagle-edge run, when enabled")),
        ConfigSection(name: "mqtt", use: .inEffect(by: "MQTT publishing: eagle-edge run")),
        ConfigSection(name: "mllm", use: .inEffect(by: "the MLLM explainer: eagle-edge run, explain")),
        ConfigSection(name: "storage", use: .inEffect(by: "the line's journal and image archive; eagle-edge results")),
        ConfigSection(name: "web", use: .inEffect(by: "the status page and /metrics: eagle-edge run, demo")),
        ConfigSection(name: "logging", use: .inEffect(by: line)),
    ]

    /// The entry for `name`, if it is a section.
    public static func named(_ name: String) -> ConfigSection? {
        all.first { $0.name == name }
    }

    /// Whether this build acts on the section.
    public var isInEffect: Bool {
        if case .inEffect = use { return true }
        return false
    }

    /// One line for people: "reserved for MQTT publishing, not built yet" or "in effect (...)".
    public var useDescription: String {
        switch use {
        case .inEffect(let part): "in effect (\(part))"
        case .reserved(let part): "reserved for \(part), not built yet"
        }
    }
}
