import Appliance
import ArgumentParser
import Capture
import Foundation
import Inspection
import PatchCore

/// `eagle-edge demo`: the whole line with no set-up, on the synthetic line.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the synthetic demo line: teach (once), inspect at 30 fps, compare with the truth.",
        discussion: """
            Teaches a model on good parts of the synthetic line (kept in --dir for the next \
            runs), runs the line on the built-in defaults for --duration seconds or until \
            Ctrl-C with a live status, and ends with the summary against the synthetic ground \
            truth: escapes, false rejects, latency and drops.
            """
    )

    @Option(help: "Where the demo keeps its model and journal (default: $XDG_STATE_HOME/eagle-edge/demo or ~/.local/state/eagle-edge/demo).")
    var dir: String?

    @Option(help: "Seconds to run the line.")
    var duration = 60.0

    @Option(help: "Parts (frames) per second of the synthetic line.")
    var fps = CaptureSettings().fps

    @Option(help: "Good parts to teach the model on, the first time.")
    var teachParts = 120

    @Option(help: "The converted EfficientNet-Lite0 weights (default: $EAGLE_WEIGHTS, .cache/weights/ in the checkout, /usr/share/eagle-edge/).")
    var weights: String?

    @Option(help: "Write the run's summary as JSON to this file.")
    var jsonSummary: String?

    @Option(help: "Publish results, status, counters and health to the MQTT broker on this port (Packaging/demo.sh starts one).")
    var mqttPort: Int?

    @Option(help: "With --mqtt-port: the broker's host.")
    var mqttHost = "127.0.0.1"

    @Option(help: "Serve the status page and /metrics on this loopback port; 0 for none.")
    var webPort = Int(WebConfig().listen.port)

    func validate() throws {
        guard duration > 0 else { throw ValidationError("--duration must be a positive number of seconds") }
        guard (1...240).contains(fps) else { throw ValidationError("--fps must be 1...240") }
        guard teachParts >= 10 else { throw ValidationError("--teach-parts must be at least 10") }
        if let mqttPort, !(1...65_535).contains(mqttPort) { throw ValidationError("--mqtt-port must be 1...65535") }
        guard (0...65_535).contains(webPort) else { throw ValidationError("--web-port must be 0...65535") }
    }

    func run() throws {
        let directory = dir ?? Self.defaultDirectory()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            Diagnostics.fail("cannot create the demo directory \(directory): \(error)")
        }
        var config = ApplianceConfig()
        config.camera.fps = fps
        config.recipe.model = (directory as NSString).appendingPathComponent("demo.eagle")
        config.storage.journal = (directory as NSString).appendingPathComponent("journal.sqlite")
        config.storage.imagesDir = (directory as NSString).appendingPathComponent("images")
        if let mqttPort {
            config.mqtt.enabled = true
            config.mqtt.host = mqttHost
            config.mqtt.port = mqttPort
            config.mqtt.countersIntervalS = 5
            print("publishing to the MQTT broker at \(mqttHost):\(mqttPort), topics \(config.mqtt.topicPrefix)/\(config.line.name)/\(config.line.station)/...")
        }
        config.web.enabled = webPort != 0
        config.web.listen.port = UInt16(webPort)
        if config.web.enabled { print("status page at http://\(config.web.listen)/ (/metrics, /healthz, /api/parts)") }
        teachIfNeeded(config)

        print("running the synthetic line at \(fps) parts/s for \(Int(duration)) s (Ctrl-C stops it)")
        let tally = TallyBox()
        let summary = LineSession(config: config, configPath: nil, weights: weights, limits: RunLimits(duration: duration),
                                  jsonSummary: jsonSummary).run { part, frame in tally.add(part, truth: frame?.frame.truth) }
        print(summary.text)
        print(tally.value.text)
        print("model       \(config.recipe.model)")
        print("journal     \(config.storage.journal) (eagle-edge results --journal \(config.storage.journal))")
        print("images      \(config.storage.imagesDir) (rejected, unsure, not inspected; 1 good part in \(config.storage.auditEvery))")
    }

    /// Teaches the demo model on good synthetic parts unless the one there was taught on the
    /// same parts (same product, size, seed, count and appearance) and loads.
    private func teachIfNeeded(_ config: ApplianceConfig) {
        let path = config.recipe.model
        // Another seed than the line's, so the parts it will inspect are new to the model.
        let synthetic = config.camera.synthetic
        let teachLine = SyntheticLine(width: config.camera.width, height: config.camera.height, framesPerSecond: nil,
                                      seed: synthetic.seed &+ 0x7EAC, defectRate: 0, product: synthetic.product)
        let source = "\(teachParts) good parts of the \(teachLine.name), \(teachLine.width)x\(teachLine.height), "
            + "appearance \(SyntheticLine.appearanceRevision)"
        if let cached = try? ExpertLoader.load(config, weightsPath: weights), cached.expert.model.provenance.teachSource == source {
            return
        }
        print("teaching the demo model on \(teachParts) good parts of the synthetic line (once; kept at \(path))")
        var settings = PatchCoreSettings()
        settings.precision = config.expert.precision
        let network = BackboneOptions.network(weights: weights, threads: config.expert.threads)
        let model = TeachCommand.teach(network: network, settings: settings, count: teachParts,
                                       source: source,
                                       threads: config.expert.threads) { teachLine.render(part: $0).image }
        do {
            try ModelFile.save(model, to: path)
        } catch {
            Diagnostics.fail("cannot save the demo model: \(error)")
        }
        TeachCommand.keepReferences(count: teachParts, model: path) { teachLine.render(part: $0).image }
    }

    static func defaultDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (state as NSString).appendingPathComponent("eagle-edge/demo")
    }
}

/// The tally, shared between the line's thread (which adds) and the end of the command.
private final class TallyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var tally = GroundTruthTally()

    func add(_ part: Part, truth: PartTruth?) {
        lock.withLock { tally.add(part, truth: truth) }
    }

    var value: GroundTruthTally { lock.withLock { tally } }
}
