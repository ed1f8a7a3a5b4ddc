/// What a configuration reload (SIGHUP) changed: the sections applied while the line runs, and
/// those whose change waits for a restart (the camera, the model, the journal are opened once).
public struct ConfigReload: Sendable, Equatable {
    /// Sections that changed and took effect.
    public var applied: [String]
    /// Sections that changed but take effect only after a restart.
    public var needsRestart: [String]

    /// The difference between the configuration the line started with (`running`, with the
    /// decision rules `current` in force) and `reloaded`.
    public init(running: ApplianceConfig, reloaded: ApplianceConfig, current: DecisionConfig) {
        applied = current == reloaded.decision ? [] : ["decision"]
        let sections: [(String, Bool)] = [
            ("line", running.line == reloaded.line), ("camera", running.camera == reloaded.camera),
            ("recipe", running.recipe == reloaded.recipe), ("expert", running.expert == reloaded.expert),
            ("reject", running.reject == reloaded.reject), ("mqtt", running.mqtt == reloaded.mqtt),
            ("mllm", running.mllm == reloaded.mllm), ("storage", running.storage == reloaded.storage),
            ("logging", running.logging == reloaded.logging),
        ]
        needsRestart = sections.filter { !$0.1 }.map(\.0)
    }

    /// One sentence for the log.
    public var description: String {
        switch (applied.isEmpty, needsRestart.isEmpty) {
        case (true, true): "configuration reloaded: nothing changed"
        case (false, true): "configuration reloaded: \(applied.joined(separator: ", ")) applied"
        case (true, false): "configuration reloaded: \(needsRestart.joined(separator: ", ")) changed and take effect after a restart"
        case (false, false): "configuration reloaded: \(applied.joined(separator: ", ")) applied; "
            + "\(needsRestart.joined(separator: ", ")) changed and take effect after a restart"
        }
    }
}
