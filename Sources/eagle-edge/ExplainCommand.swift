import Appliance
import ArgumentParser
import EagleLog
import Explain
import Foundation
import Imaging
import Inspection
import PatchCore

/// `eagle-edge explain --model M [--config F] IMAGE...`: the expert's verdict on image files,
/// and for each flagged one the configured MLLM's explanation; `--dry-run DIR` writes the exact
/// requests instead of sending them.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Inspect images and ask the configured MLLM (mllm.*) to explain the flagged ones.",
        discussion: """
            Each image is one frame: the expert scores it as the line would (recipe.roi, \
            decision.unsure_band) and the parts flagged (mllm.explain) go to the endpoint with the \
            same request the line sends. With --dry-run DIR nothing is sent: DIR/<folder>_<image>/request.json \
            is the exact body, beside the JPEGs it embeds, so an integrator can see what leaves the plant.
            """
    )

    @OptionGroup var backbone: BackboneOptions

    @Option(name: .shortAndLong, help: "The model file written by teach (its references are read from <model>.refs/).")
    var model: String

    @Option(help: "The YAML configuration file (mllm.*, recipe.knowledge, recipe.roi, decision.unsure_band).")
    var config: String?

    @Option(help: "Ask this MLLM model instead of mllm.model.")
    var llm: String?

    @Option(help: "Write each request (JSON and images) into this folder instead of sending it.")
    var dryRun: String?

    @Flag(help: "One JSON object per image instead of text.")
    var json = false

    @Argument(help: "Folders and/or JPEG or PNG files.")
    var images: [String]

    func run() throws {
        var (config, _) = ConfigFile.load(self.config)
        config.recipe.model = model
        let logger = config.logging.logger("explain")
        let setup: ExplainSetup
        let expert: PatchCoreExpert
        do {
            setup = try ExplainSetup(config: config, model: llm ?? config.mllm.model ?? (dryRun == nil ? nil : "model-not-set"),
                                     logger: logger)
            expert = try PatchCoreExpert(network: backbone.network(), model: ModelFile.load(model))
        } catch {
            Diagnostics.fail("\(error)")
        }
        var subjects: [(path: String, subject: ExplainSubject)] = []
        var failures = 0
        for (index, path) in ImageList.expand(images).enumerated() {
            do {
                let subject = try inspect(path, id: Int64(index + 1), expert: expert, config: config)
                guard let verdict = subject.part.verdict, setup.options.verdicts.contains(verdict) else {
                    print("\(path)  \(subject.part.verdict?.rawValue ?? "-"): not flagged, nothing to explain")
                    continue
                }
                subjects.append((path, subject))
            } catch {
                failures += 1
                Diagnostics.warn("\(path): \(error)")
            }
        }
        if let dryRun {
            failures += writeRequests(subjects, setup: setup, into: dryRun)
        } else if !subjects.isEmpty {
            guard let endpoint = setup.endpoint else { Diagnostics.fail(ExplainSetupError.noEndpoint.description) }
            failures += try ask(endpoint, subjects, setup: setup, logger: logger)
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The part record the line would make of the image: verdict and boxes in image pixels.
    private func inspect(_ path: String, id: Int64, expert: PatchCoreExpert, config: ApplianceConfig) throws -> ExplainSubject {
        let frame = try ImageFile.readRGB(path)
        let roi = config.recipe.roi.flatMap { frame.bounds.contains($0) ? $0 : nil } ?? frame.bounds
        let region = roi == frame.bounds ? frame : try frame.cropped(to: roi)
        let result = try expert.inspect(region)
        let outcome = config.decision.rule.decide(normalizedScore: result.normalizedScore)
        var boxes: [SuspectBox] = []
        if outcome.verdict != .pass {
            let calibration = expert.model.calibration
            let geometry = InputGeometry(settings: expert.model.settings, sourceWidth: region.width, sourceHeight: region.height)
            boxes = SuspectRegionFinder().regions(in: result.anomalyMap, floor: Float(calibration.threshold)).map { found in
                let box = geometry.sourceRect(found.box)
                return SuspectBox(x: box.x + roi.x, y: box.y + roi.y, width: box.width, height: box.height,
                                  score: calibration.normalized(Double(found.peak)))
            }
        }
        let part = Part(id: PartID(rawValue: id), frame: nil, decidedAt: Date(), recipe: config.recipe.name,
                        modelID: nil, score: result.score, normalizedScore: result.normalizedScore, verdict: outcome.verdict,
                        reason: outcome.reason, action: outcome.action, boxes: boxes)
        return ExplainSubject(part: part, frame: frame, region: roi)
    }

    /// Writes DIR/<image stem>/request.json and the JPEGs; returns the failures.
    private func writeRequests(_ subjects: [(path: String, subject: ExplainSubject)], setup: ExplainSetup, into directory: String) -> Int {
        var failures = 0
        for (path, subject) in subjects {
            // Folder and file name: frames from different folders often share names.
            let parent = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(parent.isEmpty ? stem : "\(parent)_\(stem)")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let request = try ExplainRequest(subject, settings: setup.settings,
                                                 reference: setup.references?.nearest(to: subject))
                try Data(try request.encodedBody()).write(to: folder.appendingPathComponent("request.json"))
                for attachment in request.attachments {
                    try Data(attachment.jpeg).write(to: folder.appendingPathComponent("\(attachment.name).jpg"))
                }
                let url = setup.endpoint?.completionsURL ?? "(mllm.endpoint not set)"
                print("\(path)  \(subject.part.verdict?.rawValue ?? "-"): request for POST \(url) written to \(folder.path)"
                      + " (\(request.attachments.map(\.name).joined(separator: ", ")))")
            } catch {
                failures += 1
                Diagnostics.warn("\(path): \(error)")
            }
        }
        return failures
    }

    /// Asks the endpoint about every subject (as the line would, through the explainer) and
    /// prints the outcomes in image order; returns the parts not explained.
    private func ask(_ endpoint: ChatEndpoint, _ subjects: [(path: String, subject: ExplainSubject)], setup: ExplainSetup,
                     logger: Logger) throws -> Int {
        let outcomes = Outcomes()
        var options = setup.options
        options.queueCapacity = max(options.queueCapacity, subjects.count)
        let explainer = Explainer(endpoint: endpoint, settings: setup.settings, options: options, references: setup.references,
                                  logger: logger) { outcomes.add($0) }
        for (_, subject) in subjects { explainer.submit(subject) }
        let waitLimit = Double(subjects.count) * options.timeout * Double(options.retries + 1) + 60
        _ = explainer.flush(timeout: waitLimit)
        explainer.close()
        let byPart = outcomes.byPart
        var failures = 0
        for (path, subject) in subjects {
            guard let record = byPart[subject.part.id] else {
                failures += 1
                print("\(path)  no outcome")
                continue
            }
            if record.status != .explained { failures += 1 }
            print(json ? try jsonLine(path, subject, record) : text(path, subject, record))
        }
        return failures
    }

    private func text(_ path: String, _ subject: ExplainSubject, _ record: ExplanationRecord) -> String {
        let verdict = subject.part.verdict?.rawValue ?? "-"
        let took = record.latencyMs.map { String(format: " in %.0f ms", $0) } ?? ""
        let tokens = record.usage.map { " (\($0.prompt) + \($0.completion) tokens)" } ?? ""
        var lines = ["\(path)  \(verdict): \(record.status.rawValue.replacingOccurrences(of: "_", with: " ")) by \(record.model)\(took)\(tokens)"]
        if let answer = record.explanation {
            var facts: [String] = []
            if let type = answer.defectType { facts.append("defect \(type)") }
            if let box = answer.box { facts.append("box \(box)") }
            if let location = answer.location { facts.append("at \(location)") }
            if let severity = answer.severity { facts.append("severity \(severity.rawValue)") }
            if let confidence = answer.confidence { facts.append(String(format: "confidence %.2f", confidence)) }
            if let agrees = answer.agreesWithExpert { facts.append(agrees ? "agrees with the expert" : "disagrees with the expert") }
            if !facts.isEmpty { lines.append("  " + facts.joined(separator: ", ")) }
            lines.append("  \(answer.description)")
            if !answer.salvage.isEmpty { lines.append("  salvaged: \(answer.salvage.joined(separator: "; "))") }
        }
        if let reason = record.reason { lines.append("  reason: \(reason)") }
        return lines.joined(separator: "\n")
    }

    private func jsonLine(_ path: String, _ subject: ExplainSubject, _ record: ExplanationRecord) throws -> String {
        var object: [String: JSONValue] = [
            "image": .string(path), "verdict": .string(subject.part.verdict?.rawValue ?? ""),
            "status": .string(record.status.rawValue), "model": .string(record.model), "attempts": .number(Double(record.attempts)),
        ]
        if let reason = record.reason { object["reason"] = .string(reason) }
        if let latency = record.latencyMs { object["latency_ms"] = .number(latency.rounded()) }
        if let usage = record.usage {
            object["prompt_tokens"] = .number(Double(usage.prompt))
            object["completion_tokens"] = .number(Double(usage.completion))
        }
        if let answer = record.explanation {
            object["explanation"] = try JSONValue.parse(Array(try JSONEncoder().encode(answer)))
        }
        return String(decoding: try JSONValue.object(object).encoded(), as: UTF8.self)
    }
}

/// Outcomes gathered from the explainer's reporter thread.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [PartID: ExplanationRecord] = [:]

    func add(_ record: ExplanationRecord) {
        lock.lock()
        records[record.partID] = record
        lock.unlock()
    }

    var byPart: [PartID: ExplanationRecord] {
        lock.lock()
        defer { lock.unlock() }
        return records
    }
}
