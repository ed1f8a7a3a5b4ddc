import Actuate
import Explain
import Foundation

/// The figures of one run of the line, for the end of `run` and `demo` and `--json-summary`.
public struct RunSummary: Sendable, Equatable, Codable {
    public var recipe: String
    public var modelID: String
    public var source: String
    public var seconds: Double
    public var partsPerSecond: Double
    public var parts: UInt64
    public var passed: UInt64
    public var rejected: UInt64
    public var unsure: UInt64
    /// Parts the actuator rejects (rejected, unsure handled as reject, fail-safe).
    public var actionReject: UInt64
    /// Parts not inspected, by reason (`over_budget`, `expert_failed`, ...).
    public var notInspected: [String: UInt64]
    /// Frames dropped, by cause: `driver` (sequence gaps), `busy` (replaced while the expert
    /// was busy), `corrupt`; over-budget frames are parts and count under ``notInspected``.
    public var dropped: [String: UInt64]
    public var cameraReopened: UInt64
    /// Capture-to-verdict latency in milliseconds over the whole run.
    public var latencyMs: Latency
    /// CPU and memory of the process at the end of the run.
    public var resources: LineStatus.Resources
    /// What journalling cost, when the run had a journal.
    public var journal: JournalCost?

    /// The journal's cost per part over the run.
    public struct JournalCost: Sendable, Equatable, Codable {
        public var committedParts: Int
        public var batches: Int
        /// Growth of the journal file (database and WAL) over the run per committed part, all
        /// records counted (the part, its outbox row, the events). The WAL is folded into the
        /// database at checkpoints, so short runs read high or low; minutes-long ones settle.
        public var bytesPerPart: Double
        /// Commit time per part on the journal's thread, in milliseconds.
        public var commitMsPerPart: Double

        /// The cost between two readings of the writer's counters.
        public init(from start: JournalWriter.Counters, to end: JournalWriter.Counters) {
            committedParts = end.committedParts - start.committedParts
            batches = end.batches - start.batches
            let parts = Double(max(committedParts, 1))
            bytesPerPart = Double(end.databaseBytes - start.databaseBytes) / parts
            commitMsPerPart = (end.commitSeconds - start.commitSeconds) * 1000 / parts
        }
    }
    /// The image archive's counters and health at the end; nil when the line kept no images.
    public var archive: ArchiveStatus?
    /// The MLLM explainer's counters at the end; nil when `mllm.enabled` is false.
    public var explain: ExplainerCounters?

    /// The reject actuator's outcomes and timing; nil when it was not enabled.
    public var reject: Reject?

    /// What the reject actuator did: each part it took ended in one of the four outcomes.
    public struct Reject: Sendable, Equatable, Codable {
        public var parts: UInt64
        public var rejected: UInt64
        public var passed: UInt64
        public var failSafeRejected: UInt64
        public var missed: UInt64
        public var pulses: UInt64
        public var merged: UInt64
        public var lateVerdicts: UInt64
        public var unconfirmed: UInt64
        /// Output pulse start minus the part's due moment, in ms.
        public var timingErrorMs: Latency

        public init(_ c: RejectCounters) {
            parts = c.parts
            rejected = c.rejected
            passed = c.passed
            failSafeRejected = c.failSafeRejected
            missed = c.missed
            pulses = c.pulses
            merged = c.merged
            lateVerdicts = c.lateVerdicts
            unconfirmed = c.unconfirmed
            timingErrorMs = Latency(p50: c.timing.percentileMs(0.5), p90: c.timing.percentileMs(0.9),
                                    p99: c.timing.percentileMs(0.99), max: c.timing.maxMs, mean: nil)
        }
    }

    public struct Latency: Sendable, Equatable, Codable {
        public var p50: Double?
        public var p90: Double?
        public var p99: Double?
        public var max: Double?
        public var mean: Double?
    }

    public init(status: LineStatus, recipe: String, modelID: String, source: String) {
        let c = status.counters
        self.recipe = recipe
        self.modelID = modelID
        self.source = source
        seconds = status.uptime
        partsPerSecond = status.uptime > 0 ? Double(c.parts) / status.uptime : 0
        parts = c.parts
        passed = c.passed
        rejected = c.rejected
        unsure = c.unsure
        actionReject = c.actionReject
        notInspected = Dictionary(uniqueKeysWithValues: c.notInspected.map { ($0.key.rawValue, $0.value) })
        dropped = ["driver": c.capture.droppedByDriver, "busy": c.capture.droppedBusy, "corrupt": c.capture.corrupt]
        cameraReopened = c.capture.reopened
        let l = status.latency
        latencyMs = Latency(p50: l.percentile(0.5), p90: l.percentile(0.9), p99: l.percentile(0.99), max: l.maximum, mean: l.mean)
        resources = status.resources
        archive = status.archive
        reject = status.reject.map(Reject.init)
    }

    /// A few lines for people.
    public var text: String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        func mib(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
        let notInspectedText = notInspected.isEmpty ? "0"
            : notInspected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var lines = [
            String(format: "parts       %llu in %.1f s (%.1f/s)", parts, seconds, partsPerSecond),
            "verdicts    pass \(passed), reject \(rejected), unsure \(unsure); not inspected \(notInspectedText)",
            "actuator    \(actionReject) rejected",
            "dropped     driver \(dropped["driver"] ?? 0), busy \(dropped["busy"] ?? 0), corrupt \(dropped["corrupt"] ?? 0)"
                + (cameraReopened > 0 ? "; camera reopened \(cameraReopened) times" : ""),
            "latency     capture to verdict p50 \(ms(latencyMs.p50)) ms, p90 \(ms(latencyMs.p90)), p99 \(ms(latencyMs.p99)), max \(ms(latencyMs.max))",
            journal.map { String(format: "journal     %d parts in %d batches: %.0f bytes and %.3f ms per part", $0.committedParts, $0.batches, $0.bytesPerPart, $0.commitMsPerPart) } ?? "journal     none",
            String(format: "process     CPU %.0f %% of one core; ", resources.cpuPercent)
                + "RSS \(mib(resources.residentMiB)) MiB now, \(mib(resources.residentAtOneMinuteMiB)) at 1 min, peak \(mib(resources.peakResidentMiB))",
        ]
        // Appended one by one: a single sum of these optionals is past Swift 6.0's type checker.
        if let archive { lines.append(Self.archiveText(archive)) }
        if let reject { lines.append(Self.rejectText(reject)) }
        if let explain { lines.append("explain     \(explain.summary)") }
        return lines.joined(separator: "\n")
    }

    private static func rejectText(_ r: Reject) -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        var text = "reject      \(r.parts) parts: \(r.rejected) rejected, \(r.passed) passed, \(r.failSafeRejected) fail-safe, \(r.missed) missed;"
        text += " \(r.pulses) pulses (\(r.merged) merged); timing error p50 \(ms(r.timingErrorMs.p50)) ms, p99 \(ms(r.timingErrorMs.p99)),"
        text += " max \(ms(r.timingErrorMs.max))"
        if r.lateVerdicts > 0 { text += "; \(r.lateVerdicts) late verdicts" }
        if r.unconfirmed > 0 { text += "; \(r.unconfirmed) pulses NOT CONFIRMED" }
        return text
    }

    private static func archiveText(_ archive: ArchiveStatus) -> String {
        let c = archive.counters
        return String(format: "archive     %llu parts kept (%.1f MiB), dropped %llu, failed %llu, pruned %llu files",
                      c.written, Double(c.bytesWritten) / 1_048_576, c.dropped, c.failed, c.pruned)
            + (archive.isOK ? "" : "; \(archive.health)")
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }
}
