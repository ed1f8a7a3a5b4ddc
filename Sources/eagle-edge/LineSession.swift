import Appliance
import Capture
import Dispatch
import EagleLog
import Foundation
import Inspection

/// Runs the line for `run` and `demo`: loads the expert, starts the line on this thread, stops
/// it on SIGINT or SIGTERM (after the part in hand), shows a live status, and prints the summary.
struct LineSession {
    var config: ApplianceConfig
    var weights: String?
    var limits: RunLimits
    var jsonSummary: String?

    /// Runs to the end and returns the summary; a start-up problem fails the command with one sentence.
    func run(observe: ((Part, CapturedFrame?) -> Void)? = nil) -> RunSummary {
        let logger = config.logging.logger("line")
        let loaded: ExpertLoader.Loaded
        let line: Line
        // A directory that cannot be made leaves the archive degraded (logged, counted), never the line stopped.
        let archive = ImageArchive(storage: config.storage, logger: config.logging.logger("archive"))
        defer { archive.close() }
        do {
            loaded = try ExpertLoader.load(config, weightsPath: weights)
            line = try Line(config: config, expert: loaded, recorder: nil, archive: archive, logger: logger)
        } catch {
            Diagnostics.fail("\(error)")
        }
        let signals = StopSignals { line.stop() }
        let status = LiveStatus(logger: logger) { line.status }
        status.start()
        let final = line.run(limits: limits, observe: observe)
        status.stop()
        signals.restore()
        let summary = RunSummary(status: final, recipe: config.recipe.name, modelID: loaded.modelID,
                                 source: config.camera.source.rawValue)
        if let jsonSummary {
            do {
                try summary.json().write(to: URL(fileURLWithPath: jsonSummary))
            } catch {
                Diagnostics.warn("cannot write the summary to \(jsonSummary): \(error)")
            }
        }
        return summary
    }
}

/// SIGINT and SIGTERM ask the line to stop after the part in hand; a second one ends the
/// process at once (exit status 130), for a stop that hangs. Dispatch sources are thread-safe.
final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(onStop: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "eagle-edge.signals")
        let seen = SignalCount()
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if seen.increment() > 1 { _exit(130) }
                onStop()
            }
            source.resume()
            return source
        }
    }

    /// Gives the signals back their default action.
    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// Counts signals; only touched on the signal queue.
private final class SignalCount: @unchecked Sendable {
    private var count = 0
    func increment() -> Int {
        count += 1
        return count
    }
}

/// The live status: rewritten once a second on a terminal, a log line every ten seconds
/// otherwise. Dispatch sources are thread-safe.
final class LiveStatus: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    private let terminal = isatty(STDOUT_FILENO) == 1

    init(logger: Logger, status: @escaping @Sendable () -> LineStatus) {
        let terminal = self.terminal
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "eagle-edge.status"))
        let ticks = SignalCount()
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler {
            let line = status().statusLine
            if terminal {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
            } else if ticks.increment() % 10 == 0 {
                logger.info("status: " + line)
            }
        }
    }

    func start() { timer.resume() }

    func stop() {
        timer.cancel()
        if terminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
