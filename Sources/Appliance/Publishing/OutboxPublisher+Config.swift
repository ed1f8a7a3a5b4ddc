import EagleLog
import Foundation
import Publish

extension OutboxPublisher {
    /// The publisher `config` asks for (`mqtt.*`, `line.*`), announcing this run of the
    /// appliance (`version`, the loaded model) in its status.
    public convenience init(config: ApplianceConfig, version: String, modelID: String?, startedAt: Date = Date(),
                            logger: Logger) throws {
        let mqtt = config.mqtt
        let status = StatusMessage(state: .online, line: config.line.name, station: config.line.station, version: version,
                                   recipe: config.recipe.name, modelID: modelID, startedAt: startedAt)
        try self.init(journalPath: config.storage.journal, client: config.mqttClientOptions,
                      topics: StationTopics(prefix: mqtt.topicPrefix, line: config.line.name, station: config.line.station),
                      status: status, options: Options(qos: mqtt.qos, spoolLimit: Options.spoolLimit(megabytes: mqtt.spoolMaxMB),
                                                       countersIntervalSeconds: Double(mqtt.countersIntervalS)),
                      logger: logger)
    }
}

extension ApplianceConfig {
    /// The broker connection `mqtt.*` describes (without the will, which the publisher adds).
    var mqttClientOptions: MQTTClientOptions {
        MQTTClientOptions(
            host: mqtt.host, port: mqtt.port, clientID: mqttClientID, keepaliveSeconds: mqtt.keepaliveS,
            protocolVersion: mqtt.protocolVersion == .v311 ? .v311 : .v5,
            username: mqtt.username, password: mqtt.password?.revealed, caFile: mqtt.tls.caFile,
            certFile: mqtt.tls.certFile, keyFile: mqtt.tls.keyFile)
    }
}
