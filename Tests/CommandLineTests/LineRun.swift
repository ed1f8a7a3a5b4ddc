import Appliance
import Capture
import Foundation
import Glibc
import Inspection
import XCTest

/// One `eagle-edge run --config F --json-summary S` of a test, as a separate process: started,
/// watched through its journal while it runs, then finished (its limits reached, or SIGTERM);
/// what it left behind is a ``LineRecord``.
final class LineRun {
    let journalPath: String
    private let summaryPath: String
    private let process: RunningEagleEdge

    /// Writes `config` (YAML) into `directory` and starts the line on it with `arguments`
    /// (`--duration`, `--parts`).
    init(config: String, in directory: URL, arguments: [String] = []) throws {
        let configPath = directory.appendingPathComponent("eagle-edge.yaml").path
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        journalPath = try ApplianceConfig.load(path: configPath).storage.journal
        summaryPath = directory.appendingPathComponent("summary.json").path
        process = try EagleEdgeProcess.start(["run", "--config", configPath, "--json-summary", summaryPath] + arguments)
    }

    /// The journal's events so far; none while the line has not created the journal yet.
    func events() -> [JournalEvent] {
        guard FileManager.default.fileExists(atPath: journalPath) else { return [] }
        return (try? Journal(path: journalPath, access: .readOnly).events()) ?? []
    }

    /// The journal's parts so far.
    func parts() -> [Part] {
        guard FileManager.default.fileExists(atPath: journalPath) else { return [] }
        return (try? Journal(path: journalPath, access: .readOnly).parts()) ?? []
    }

    /// Polls the journal (every 0.2 s) until `condition` holds of its events and parts, or
    /// `seconds` pass, or the line exits.
    func waitFor(within seconds: Double, _ condition: (_ events: [JournalEvent], _ parts: [Part]) -> Bool) -> Bool {
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < deadline, process.isRunning {
            if condition(events(), parts()) { return true }
            usleep(200_000)
        }
        return condition(events(), parts())
    }

    /// Waits for the line to exit, first asking it to stop (SIGTERM) when `stop`.
    func finish(stop: Bool = false) throws -> LineRecord {
        if stop { process.signal(SIGTERM) }
        let outcome = process.finish()
        let summary = (try? Data(contentsOf: URL(fileURLWithPath: summaryPath)))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        let journal: Journal
        do {
            journal = try Journal(path: journalPath, access: .readOnly)
        } catch {
            throw CommandFailure(message: "run exited \(outcome.status) without a journal (\(error)): \(outcome.stdout)\(outcome.stderr)")
        }
        return LineRecord(outcome: outcome, parts: try journal.parts(), events: try journal.events(), summary: summary)
    }
}

/// What a finished ``LineRun`` left: its exit, journal and summary, and the checks every run must pass.
struct LineRecord {
    let outcome: EagleEdgeProcess.Outcome
    let parts: [Part]
    let events: [JournalEvent]
    /// `--json-summary`, as JSON values (only counts are read: exactness is not at stake).
    let summary: [String: Any]

    /// The run's length by its own summary.
    var seconds: Double { summary["seconds"] as? Double ?? 0 }

    /// The end of what the line printed, for failure messages.
    var log: String { String((outcome.stdout + outcome.stderr).suffix(3000)) }

    /// The camera's health changes, in order, as journalled (`streaming`, `camera_lost`, `stopped`).
    var healthStates: [String] {
        events.filter { $0.kind == .health && $0.component == "camera" }.map { $0.fields["state"] ?? "?" }
    }

    /// Frames dropped and the latency, by the summary, for a test's closing line.
    var dropsAndLatency: String {
        let dropped = summary["dropped"] as? [String: Any] ?? [:]
        let latency = summary["latency_ms"] as? [String: Any] ?? [:]
        let p50 = (latency["p50"] as? NSNumber)?.doubleValue ?? .nan
        return "dropped \(dropped["driver"] ?? "?") by the driver, \(dropped["busy"] ?? "?") while busy; "
            + String(format: "capture to verdict p50 %.0f ms", p50)
    }

    /// The summary's count `key` (`parts`, `passed`, `camera_reopened`...).
    func count(_ key: String) -> Int? { (summary[key] as? NSNumber)?.intValue }

    /// Exit 0, a summary whose counts are the journal's, the line's start and stop journalled,
    /// and every part naming the model the run loaded.
    func checkFinishedCleanly(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome.status, 0, log, file: file, line: line)
        XCTAssertEqual(count("parts"), parts.count, "summary and journal", file: file, line: line)
        for verdict in [Verdict.pass, .reject, .unsure] {
            let key = verdict == .pass ? "passed" : verdict == .reject ? "rejected" : "unsure"
            XCTAssertEqual(count(key), parts.filter { $0.verdict == verdict }.count, key, file: file, line: line)
        }
        let lifecycle = events.filter { $0.kind == .lifecycle }.map(\.message)
        XCTAssertEqual(lifecycle, ["line started", "line stopped"], file: file, line: line)
        XCTAssertEqual(events.first { $0.message == "line stopped" }?.fields["parts"], "\(parts.count)", file: file, line: line)
        let model = events.first { $0.kind == .modelLoaded }?.fields["model_id"]
        XCTAssertNotNil(model, file: file, line: line)
        XCTAssertTrue(parts.allSatisfy { $0.modelID == model }, "parts name the loaded model \(model ?? "?")", file: file, line: line)
    }

    /// Frame sequence numbers strictly increase from part to part (ids in journal order), except
    /// where `restarts` says the camera was opened anew (the driver counts from 0 again).
    func checkSequencesIncrease(restarts: Set<PartID> = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(parts.allSatisfy { $0.frame != nil }, "every part has its frame", file: file, line: line)
        for (a, b) in zip(parts, parts.dropFirst()) where !restarts.contains(b.id) {
            guard let previous = a.frame?.sequence, let next = b.frame?.sequence else { continue }
            XCTAssertGreaterThan(next, previous, "parts \(a.id) and \(b.id)", file: file, line: line)
        }
        XCTAssertEqual(parts.map(\.id.rawValue), parts.map(\.id.rawValue).sorted(), file: file, line: line)
    }
}
