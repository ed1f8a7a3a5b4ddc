import Capture
import EagleLog
import Explain
import Foundation
import Imaging
import Inspection
import TestFixtures
import XCTest
@testable import Appliance

/// The line with the explainer on, against a stand-in endpoint that fails: the verdicts are the
/// ones the line makes without it, and every flagged part ends in the journal explained or not,
/// with a reason.
final class LineExplainerTests: XCTestCase {
    private let quiet = Logger(label: "line", minimumLevel: .critical)

    private func folder(count: Int) throws -> String {
        let directory = try temporaryDirectory(for: self)
        for index in 0..<count {
            try ImageFile.write(TinyExpert.image(seed: index % 5),
                                to: directory.appendingPathComponent(String(format: "frame-%03d.png", index)).path)
        }
        return directory.path
    }

    private func config(folder: String, endpoint: String?) -> ApplianceConfig {
        var config = ApplianceConfig()
        config.camera = CaptureSettings(source: .folder, width: 80, height: 72, fps: 60, folder: folder, loop: false)
        config.recipe.name = "tiny"
        // The tiny expert's scores mean nothing: a band this wide flags every part it scores.
        config.decision.unsureBand = 0.5
        config.decision.budgetMs = 10_000
        if let endpoint {
            config.mllm = MLLMConfig(enabled: true, endpoint: URL(string: endpoint), model: "stand-in-vl", timeoutS: 1, retries: 1,
                                     queue: 3, breakerFailures: 3, breakerPauseS: 1)
        }
        return config
    }

    /// Runs the line over the folder; returns the verdict of each frame sequence and the journal.
    private func run(_ config: ApplianceConfig, journalPath: String) throws -> (verdicts: [UInt64: Verdict], journal: Journal, counters: ExplainerCounters?) {
        let writer = try JournalWriter(path: journalPath, logger: quiet)
        let recorder = JournalRecorder(writer: writer, logger: quiet)
        let explain = try LineExplainer.make(config: config, journal: writer, publish: true, logger: quiet)
        let line = try Line(config: config, expert: ExpertLoader.Loaded(expert: TinyExpert.shared.get(), modelID: "tiny-model"),
                            recorder: recorder, logger: quiet)
        line.run { part, frame in explain?.observe(part, frame) }
        explain?.close(timeout: 10)
        writer.close()
        let journal = try Journal(path: journalPath, access: .readOnly)
        var verdicts: [UInt64: Verdict] = [:]
        for part in try journal.parts() {
            if let sequence = part.frame?.sequence, let verdict = part.verdict { verdicts[sequence] = verdict }
        }
        return (verdicts, journal, explain?.counters)
    }

    func testVerdictsAreUnaffectedAndEveryFlaggedPartEndsWithAnOutcome() throws {
        let server = try StandInLLM()
        let images = try folder(count: 40)
        let directory = try temporaryDirectory(for: self)
        let baseline = try run(config(folder: images, endpoint: nil), journalPath: directory.appendingPathComponent("off.sqlite").path)
        XCTAssertEqual(try baseline.journal.explanations(limit: 1000), [], "no explainer, no explanations")

        for scenario: JSONValue in [["kind": "status", "code": 500], ["kind": "slow", "seconds": 3], ["kind": "reset"],
                                    ["kind": "status", "code": 429, "retry_after": 1], ["kind": "json"]] {
            try server.setDefault(scenario)
            let name = "\(scenario["kind"]?.stringValue ?? "")-\(scenario["code"]?.numberValue.map { Int($0) } ?? 0)"
            let faulty = try run(config(folder: images, endpoint: server.baseURL),
                                 journalPath: directory.appendingPathComponent("\(name).sqlite").path)
            let common = Set(baseline.verdicts.keys).intersection(faulty.verdicts.keys)
            XCTAssertFalse(common.isEmpty, name)
            for sequence in common {
                XCTAssertEqual(faulty.verdicts[sequence], baseline.verdicts[sequence], "\(name): frame \(sequence)")
            }
            let parts = try faulty.journal.parts()
            let flagged = parts.filter { $0.verdict == .reject || $0.verdict == .unsure }
            XCTAssertFalse(flagged.isEmpty, name)
            let explanations = try faulty.journal.explanations(limit: 10_000)
            XCTAssertEqual(explanations.map(\.partID).sorted(), flagged.map(\.id), "\(name): one outcome per flagged part")
            for record in explanations where record.status != .explained {
                XCTAssertNotNil(record.reason, "\(name): part \(record.partID) has no reason")
            }
            if name == "json-0" {
                XCTAssertTrue(explanations.contains { $0.status == .explained && $0.explanation?.defectType == "scratch" })
            } else {
                XCTAssertFalse(explanations.contains { $0.status == .explained }, "\(name): the endpoint never answers")
            }
            let counters = try XCTUnwrap(faulty.counters)
            XCTAssertEqual(counters.explained + counters.failed + counters.notExplained, flagged.count, name)
            XCTAssertEqual(try faulty.journal.pending(limit: 100_000).filter { $0.topic == .explanation }.count, explanations.count,
                           "\(name): every outcome waits for MQTT")
        }
    }
}
