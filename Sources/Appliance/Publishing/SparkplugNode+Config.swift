import EagleLog
import Foundation
import Publish

extension SparkplugNode {
    /// The node `config` asks for (`mqtt.*` for the broker, `mqtt.sparkplug.*`, `line.*`),
    /// announcing this run of the appliance (`version`, the loaded model) in its birth, with
    /// the line's counters and health from `status` (nil before the line exists).
    public convenience init(config: ApplianceConfig, version: String, modelID: String?,
                            status: @escaping @Sendable () -> LineStatus?, logger: Logger) throws {
        let mqtt = config.mqtt
        // The JSON publisher's connection (TLS, client certificate, credentials) under its own
        // client id: a second session with its own will, the NDEATH.
        var client = config.mqttClientOptions
        client.clientID = config.sparkplugClientID
        let identity = SparkplugNodeMetrics.Identity(version: version, line: config.line.name, station: config.line.station,
                                                     recipe: config.recipe.name, modelID: modelID)
        let options = Options(groupID: mqtt.sparkplug.groupID, edgeNodeID: config.sparkplugEdgeNodeID,
                              primaryHostID: mqtt.sparkplug.primaryHostID,
                              countersIntervalSeconds: Double(mqtt.sparkplug.countersIntervalS),
                              spoolLimit: OutboxPublisher.Options.spoolLimit(megabytes: mqtt.spoolMaxMB))
        try self.init(journalPath: config.storage.journal, client: client, identity: identity, options: options,
                      snapshot: { status().map(SparkplugLineSnapshot.init(status:)) ?? SparkplugLineSnapshot() }, logger: logger)
    }
}

extension SparkplugLineSnapshot {
    /// The counters and health of the line's status.
    public init(status: LineStatus) {
        let counters = status.counters
        self.init(parts: counters.parts, passed: counters.passed, rejected: counters.rejected, unsure: counters.unsure,
                  notInspected: counters.notInspectedTotal, actionReject: counters.actionReject,
                  droppedByDriver: counters.capture.droppedByDriver, droppedBusy: counters.capture.droppedBusy,
                  corrupt: counters.capture.corrupt, health: status.health.overall.rawValue, problems: status.health.problems)
    }
}
