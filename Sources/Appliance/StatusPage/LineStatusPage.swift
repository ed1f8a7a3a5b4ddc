import EagleLog
import Foundation
import Inspection
import Web

/// What the status page shows of a running line: its status (read when a viewer asks), the
/// journal's parts through a read-only connection of the page's own, and the archive's pictures.
/// Everything here runs on the server's tasks; the line only posts its latest frame to ``live``.
public final class LineStatusPage: StatusSource, @unchecked Sendable {
    /// Upper bounds of `/metrics`' latency buckets, in seconds: fine around the usual 20-200 ms.
    static let latencyBounds: [Double] = [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10]

    private let status: @Sendable () -> LineStatus?
    private let journalPath: String
    private let imagesDir: String
    private let logger: Logger
    private let lock = NSLock()
    // Guarded by `lock`: opened at the first request, after the line has made the file.
    private var journal: Journal?

    /// - Parameter status: the line's status; nil before the line exists.
    public init(status: @escaping @Sendable () -> LineStatus?, storage: StorageConfig, logger: Logger) {
        self.status = status
        journalPath = storage.journal
        imagesDir = storage.imagesDir
        self.logger = logger
    }

    public func snapshot() -> StatusSnapshot {
        guard let status = status() else {
            return StatusSnapshot(uptimeSeconds: 0, partsPerSecond: 0, recentP99Ms: nil, verdicts: [:],
                                  health: [ComponentHealth(name: "line", state: "failed", detail: "starting")], overall: "failed",
                                  problems: "line starting", latency: Self.buckets(LatencyHistogram()), metrics: [])
        }
        return Self.snapshot(of: status)
    }

    /// The page's and `/metrics`' view of `status`.
    public static func snapshot(of status: LineStatus) -> StatusSnapshot {
        let c = status.counters
        let verdicts = ["pass": c.passed, "reject": c.rejected, "unsure": c.unsure, "not_inspected": c.notInspectedTotal]
        let health = status.health.components.map { ComponentHealth(name: $0.name, state: $0.state.rawValue, detail: $0.detail) }
        return StatusSnapshot(uptimeSeconds: status.uptime, partsPerSecond: status.partsPerSecond, recentP99Ms: status.recentP99Ms,
                              verdicts: verdicts, health: health, overall: status.health.overall.rawValue,
                              problems: status.health.problems, latency: buckets(status.latency), metrics: families(of: status))
    }

    static func buckets(_ latency: LatencyHistogram) -> LatencyBuckets {
        LatencyBuckets(bounds: latencyBounds, cumulativeCounts: latencyBounds.map { latency.count(atMost: $0 * 1000) },
                       count: latency.count, sumSeconds: latency.sum / 1000, p50Ms: latency.percentile(0.5),
                       p99Ms: latency.percentile(0.99), maxMs: latency.maximum)
    }

    /// The counters and gauges besides parts by verdict and the latency histogram.
    static func families(of status: LineStatus) -> [MetricFamily] {
        let c = status.counters
        var families = [
            MetricFamily(name: "eagle_edge_frames_total", help: "Frames the line took from capture.", kind: .counter,
                         samples: [.init(Double(c.framesTaken))]),
            MetricFamily(name: "eagle_edge_frames_dropped_total", help: "Frames not inspected, by cause.", kind: .counter,
                         samples: c.drops.map { .init([("cause", $0.cause)], Double($0.count)) }),
            MetricFamily(name: "eagle_edge_reject_actions_total", help: "Parts the actuator is told to reject.", kind: .counter,
                         samples: [.init(Double(c.actionReject))]),
            MetricFamily(name: "eagle_edge_cpu_percent", help: "Process CPU time over wall time since the start, per cent of one core.",
                         kind: .gauge, samples: [.init(status.resources.cpuPercent)]),
        ]
        if let resident = status.resources.residentMiB {
            families.append(MetricFamily(name: "eagle_edge_resident_memory_bytes", help: "Resident set size of the process.",
                                         kind: .gauge, samples: [.init((resident * 1_048_576).rounded())]))
        }
        if let archive = status.archive {
            families.append(MetricFamily(name: "eagle_edge_archive_images_written_total", help: "Images the archive wrote.",
                                         kind: .counter, samples: [.init(Double(archive.counters.written))]))
        }
        if let mqtt = status.publishing {
            families.append(MetricFamily(name: "eagle_edge_mqtt_backlog_messages", help: "Journalled messages waiting for the broker.",
                                         kind: .gauge, samples: [.init(Double(mqtt.backlog))]))
        }
        return families
    }

    public func parts(_ request: PartsRequest) throws -> [PartEntry] {
        try lock.withLock {
            let journal = try openJournal()
            let query = PartQuery(action: request.rejectsOnly ? .reject : nil, limit: request.limit, before: request.before)
            return try journal.parts(query).reversed().map { part in
                let explanation = try journal.explanations(of: part.id).last
                return PartEntry(part: part, rejectOutcome: try journal.rejectOutcome(of: part.id)?.outcome.rawValue,
                                 explanationStatus: explanation?.status.rawValue,
                                 explanation: explanation.flatMap { $0.explanation?.description ?? $0.reason },
                                 hasImage: (part.images.frame ?? part.images.overlay) != nil)
            }
        }
    }

    public func image(of id: PartID) -> [UInt8]? {
        let part: Part?
        do {
            part = try lock.withLock { try openJournal().part(id) }
        } catch {
            logger.warning("part could not be read from the journal", ["part": "\(id)", "error": "\(error)"])
            return nil
        }
        // The paths come from the journal, which this process wrote: relative, without "..".
        guard let relative = part?.images.frame ?? part?.images.overlay, !relative.hasPrefix("/"), !relative.contains("..") else {
            return nil
        }
        return FileManager.default.contents(atPath: "\(imagesDir)/\(relative)").map { [UInt8]($0) }
    }

    /// The page's own read-only connection, kept open. Called under `lock`.
    private func openJournal() throws -> Journal {
        if let journal { return journal }
        let opened = try Journal(path: journalPath, access: .readOnly)
        journal = opened
        return opened
    }
}
