import Actuate
import Foundation

/// A snapshot of the running line, for the live status, the summary and (later) health topics.
public struct LineStatus: Sendable {
    /// Seconds since the line started.
    public var uptime: Double
    public var counters: LineCounters
    /// Capture-to-verdict latency of every part recorded, in milliseconds.
    public var latency: LatencyHistogram
    /// Parts per second over the last few seconds.
    public var partsPerSecond: Double
    /// 99th percentile of the last ten seconds' latencies, in milliseconds.
    public var recentP99Ms: Double?
    /// The camera's state, as the capture loop reports it (`streaming`, `camera_lost: ...`).
    public var camera: String
    /// What the process costs.
    public var resources: Resources
    /// Each component's state and the overall one.
    public var health: LineHealth
    /// The image archive's counters and health; nil when the line keeps no images.
    public var archive: ArchiveStatus?
    /// The MQTT publisher's counters; nil without MQTT.
    public var publishing: OutboxPublisher.Counters? = nil
    /// The reject actuator's counters; nil when it is not enabled.
    public var reject: RejectCounters?

    /// CPU and memory of the whole process.
    public struct Resources: Sendable, Equatable, Codable {
        /// CPU time over wall time since the line started, in per cent of one core.
        public var cpuPercent: Double
        /// Resident set size now, one minute after the start, and at its peak, in MiB.
        public var residentMiB: Double?
        public var residentAtOneMinuteMiB: Double?
        public var peakResidentMiB: Double?

        enum CodingKeys: String, CodingKey {
            case cpuPercent = "cpu_percent"
            case residentMiB = "resident_mib"
            case residentAtOneMinuteMiB = "resident_at_one_minute_mib"
            case peakResidentMiB = "peak_resident_mib"
        }
    }

    /// One line for a terminal: rate, latency, verdict counts and drops.
    public var statusLine: String {
        let c = counters
        let drops = c.drops.filter { $0.count > 0 }.map { "\($0.cause) \($0.count)" }
        // Built in parts: one long sum of strings is past Swift 6.0's type checker.
        let p99: String = recentP99Ms.map { String(format: "%.1f", $0) } ?? "-"
        var line: String = String(format: "%6.1f s  %5.1f parts/s  p99 %@ ms  ", uptime, partsPerSecond, p99)
        line += "pass \(c.passed)  reject \(c.rejected)  unsure \(c.unsure)"
        if c.notInspectedTotal > 0 { line += "  not inspected \(c.notInspectedTotal)" }
        line += "  drops " + (drops.isEmpty ? "0" : drops.joined(separator: ", "))
        if let archive { line += Self.archiveText(archive) }
        if let reject {
            line += "  pulses \(reject.pulses)"
            if reject.failSafeRejected > 0 { line += ", fail-safe \(reject.failSafeRejected)" }
            if reject.missed > 0 { line += ", MISSED \(reject.missed)" }
        }
        if let publishing { line += Self.publishingText(publishing) }
        if health.overall != .ok { line += "  \(health.overall.rawValue.uppercased()): \(health.problems)" }
        return line
    }

    /// The MQTT link: delivered, and what waits when something does.
    private static func publishingText(_ mqtt: OutboxPublisher.Counters) -> String {
        var text = "  mqtt \(mqtt.connected ? "up" : "down"), delivered \(mqtt.acknowledged)"
        if mqtt.backlog > 0 {
            text += ", backlog \(mqtt.backlog)"
            if let age = mqtt.oldestAgeSeconds { text += String(format: " (oldest %.0f s)", age) }
        }
        if mqtt.lost > 0 { text += ", lost \(mqtt.lost)" }
        return text
    }

    /// Images kept, and the archive's trouble when there is some.
    private static func archiveText(_ archive: ArchiveStatus) -> String {
        let c = archive.counters
        var text = "  archived \(c.written)"
        if c.dropped > 0 { text += ", dropped \(c.dropped)" }
        if c.failed > 0 { text += ", failed \(c.failed)" }
        if !archive.isOK { text += "  archive \(archive.health)" }
        return text
    }
}
