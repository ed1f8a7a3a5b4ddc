/// What an outbox message publishes: the kind of record it points at, which the publisher maps
/// to its MQTT topic.
public enum OutboxTopic: String, Sendable, Equatable, Hashable, CaseIterable {
    /// A part's result (`parts` row).
    case part
    /// A part's outcome at the reject actuator (the `reject_*` columns of its `parts` row),
    /// queued when the outcome is written, after the part's result.
    case reject
    /// An appliance event (`events` row).
    case event
    /// What the MLLM explainer made of a flagged part (`explanations` row).
    case explanation
}
