import Publish

/// One remote service the appliance depends on, checked step by step for
/// `eagle-edge check-config --probe`: the MQTT broker now; the MLLM endpoint joins the list
/// when it is built (``all(_:)``).
public struct ConnectionCheck: Sendable {
    /// One step and what it found.
    public struct Step: Sendable, Equatable {
        public enum Outcome: String, Sendable, Equatable {
            case ok
            case failed
            /// Not tried after an earlier failure, or not configured.
            case skipped
        }

        public var name: String
        public var outcome: Outcome
        public var detail: String
    }

    /// What is checked (`mqtt`).
    public var service: String
    /// Where, for the report's heading (`broker.example:8883`).
    public var target: String
    public var steps: [Step]

    /// Whether no step failed.
    public var passed: Bool { !steps.contains { $0.outcome == .failed } }

    /// The checks of every enabled service in `config`, in order; none when nothing is enabled.
    public static func all(_ config: ApplianceConfig, timeoutSeconds: Double = 5) -> [ConnectionCheck] {
        var checks: [ConnectionCheck] = []
        if config.mqtt.enabled { checks.append(mqtt(config, timeoutSeconds: timeoutSeconds)) }
        return checks
    }

    /// The broker of `mqtt.*`: DNS, TCP, TLS, authentication, and a QoS 1 publish to
    /// `{prefix}/{line}/{station}/probe`.
    public static func mqtt(_ config: ApplianceConfig, timeoutSeconds: Double = 5) -> ConnectionCheck {
        let topics = StationTopics(prefix: config.mqtt.topicPrefix, line: config.line.name, station: config.line.station)
        let probe = BrokerProbe(options: config.mqttClientOptions, topic: topics.probe, timeoutSeconds: timeoutSeconds)
        let steps = probe.run().map { step in
            Step(name: step.name, outcome: Step.Outcome(rawValue: step.outcome.rawValue) ?? .failed, detail: step.detail)
        }
        return ConnectionCheck(service: "mqtt", target: "\(config.mqtt.host):\(config.mqtt.port)", steps: steps)
    }

    /// The report for people: a heading, then one line per step.
    public var report: String {
        var lines = ["\(service) \(target): \(passed ? "ok" : "FAILED")"]
        for step in steps {
            let mark = switch step.outcome {
            case .ok: "ok     "
            case .failed: "FAILED "
            case .skipped: "-      "
            }
            lines.append("  \(mark)\(step.name.padding(toLength: 8, withPad: " ", startingAt: 0))\(step.detail)")
        }
        return lines.joined(separator: "\n")
    }
}
