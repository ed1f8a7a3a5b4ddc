/// The topics of one station: `{prefix}/{line}/{station}/{leaf}` (docs/mqtt.md).
public struct StationTopics: Sendable, Equatable {
    /// `{prefix}/{line}/{station}`, without a trailing `/`.
    public let root: String

    /// `prefix` may span several levels (`plant/eagle-edge`); `line` and `station` are one
    /// level each (the configuration refuses `/`, `+` and `#` in them).
    public init(prefix: String, line: String, station: String) {
        root = [prefix, line, station].joined(separator: "/")
    }

    /// Retained: `online` while connected, `offline` after a clean stop or (the will) a loss.
    public var status: String { root + "/status" }
    /// One message per part, not retained.
    public var result: String { root + "/result" }
    /// One message per part that reached the reject actuator (its outcome there), not retained.
    public var reject: String { root + "/reject" }
    /// One message per journalled appliance event (health changes, counted drops...), not retained.
    public var event: String { root + "/event" }
    /// The line's counters every `mqtt.counters_interval_s`, not retained.
    public var counters: String { root + "/counters" }
    /// Each component's state, retained, published when a state or its reason changes.
    public var health: String { root + "/health" }
    /// Where `eagle-edge check-config --probe` tests publish permission (not retained).
    public var probe: String { root + "/probe" }
    /// One message per flagged part the MLLM explainer was given: its explanation, or why none.
    public var explanation: String { root + "/explanation" }
    /// Everything of this station, for subscribers: `{root}/#`.
    public var wildcard: String { root + "/#" }
}
