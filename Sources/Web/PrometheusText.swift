import Foundation

/// The Prometheus text exposition format (version 0.0.4) of a snapshot: the parts counter by
/// verdict, the app's other families, and the capture-to-verdict latency histogram.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ snapshot: StatusSnapshot, extra: [MetricFamily] = []) -> String {
        let verdicts = ["pass", "reject", "unsure", "not_inspected"]
        var families = [
            MetricFamily(name: "eagle_edge_parts_total", help: "Parts recorded, by the expert's verdict (not_inspected: no verdict).",
                         kind: .counter, samples: verdicts.map { .init([("verdict", $0)], Double(snapshot.verdicts[$0] ?? 0)) }),
            MetricFamily(name: "eagle_edge_uptime_seconds", help: "Seconds since the line started.", kind: .gauge,
                         samples: [.init(snapshot.uptimeSeconds)]),
            MetricFamily(name: "eagle_edge_parts_per_second", help: "Parts per second over the last seconds.", kind: .gauge,
                         samples: [.init(snapshot.partsPerSecond)]),
            MetricFamily(name: "eagle_edge_component_state",
                         help: "Each component's state: 1 for the state it is in, 0 for the others.", kind: .gauge,
                         samples: snapshot.health.flatMap { component in
                             ["ok", "degraded", "failed"].map { state in
                                 .init([("component", component.name), ("state", state)], component.state == state ? 1 : 0)
                             }
                         }),
        ]
        families += snapshot.metrics + extra
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(escapeHelp(family.help))\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += "\(family.name)\(labels(sample.labels)) \(number(sample.value))\n"
            }
        }
        text += histogram(snapshot.latency, name: "eagle_edge_part_latency_seconds",
                          help: "Capture-to-verdict latency of each part recorded.")
        return text
    }

    static func histogram(_ latency: LatencyBuckets, name: String, help: String) -> String {
        var text = "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) histogram\n"
        for (bound, count) in zip(latency.bounds, latency.cumulativeCounts) {
            text += "\(name)_bucket{le=\"\(number(bound))\"} \(count)\n"
        }
        text += "\(name)_bucket{le=\"+Inf\"} \(latency.count)\n"
        text += "\(name)_sum \(number(latency.sumSeconds))\n"
        text += "\(name)_count \(latency.count)\n"
        return text
    }

    static func labels(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// Go's float formatting as Prometheus reads it: integers without a fraction, NaN and infinities by name.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
