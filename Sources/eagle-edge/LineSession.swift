import Appliance
import Capture
import Dispatch
import EagleLog
import Foundation
import Inspection

/// Runs the line for `run` and `demo`: loads the expert, starts the line on this thread, stops
/// it on SIGINT or SIGTERM (after the part in hand), reloads the configuration on SIGHUP, shows
/// a live status, keeps systemd informed (READY, STATUS, WATCHDOG) when it supervises, and
/// returns the summary.
struct LineSession {
    var config: ApplianceConfig
    /// The file `config` came from, read again on SIGHUP; nil for the built-in defaults.
    var configPath: String?
    var weights: String?
    var limits: RunLimits
    var jsonSummary: String?

    /// Runs to the end and returns the summary; a start-up problem fails the command with one sentence.
    func run(observe: ((Part, CapturedFrame?) -> Void)? = nil) -> RunSummary {
        let logger = config.logging.logger("line")
        let loaded: ExpertLoader.Loaded
        let journal: JournalRecorder
        let line: Line
        // A directory that cannot be made leaves the archive degraded (logged, counted), never the line stopped.
        let archive = ImageArchive(storage: config.storage, logger: config.logging.logger("archive"))
        defer { archive.close() }
        let publisher: OutboxPublisher?
        let sparkplug: SparkplugNode?
        // The line is made after the node; the node reads its status only once started.
        let lineStatus = LineStatusSource()
        let explain: LineExplainer?
        let page = StatusPage(config: config, logger: config.logging.logger("web"))
        do {
            loaded = try ExpertLoader.load(config, weightsPath: weights)
            publisher = config.mqtt.enabled
                ? try OutboxPublisher(config: config, version: EagleEdgeVersion.string, modelID: loaded.modelID, logger: logger.labeled("mqtt"))
                : nil
            sparkplug = config.mqtt.enabled && config.mqtt.sparkplug.enabled
                ? try SparkplugNode(config: config, version: EagleEdgeVersion.string, modelID: loaded.modelID,
                                    status: { lineStatus.status }, logger: logger.labeled("sparkplug"))
                : nil
            // Each commit wakes the publishers: nothing is published before it is journalled.
            // Without MQTT no outbox rows are written: nothing would ever drain them.
            let options = JournalWriter.Options(outbox: publisher == nil ? [] : [.part, .reject, .event])
            journal = JournalRecorder(writer: try JournalWriter(path: config.storage.journal, options: options,
                                                                logger: logger.labeled("journal"),
                                                                onCommit: { _ in
                                                                    publisher?.wake()
                                                                    sparkplug?.wake()
                                                                }),
                                      logger: logger.labeled("journal"))
            // A reject line that cannot be had stops the start: running without it would let
            // bad parts through unnoticed.
            let actuator = config.reject.enabled
                ? try RejectActuator(config: config.reject, trigger: config.line.trigger, recorder: journal, logger: logger.labeled("reject"))
                : nil
            let photoEye = config.line.trigger == .photoEye
                ? try config.reject.photoEye.map { try RejectActuator.input($0, edges: .rising) }
                : nil
            line = try Line(config: config, expert: loaded, recorder: journal, archive: archive, publisher: publisher,
                            actuator: actuator, photoEye: photoEye, live: page?.live, logger: logger)
            lineStatus.line = line
            // Flagged parts go to the MLLM explainer after the line has journalled them; it only queues.
            explain = try LineExplainer.make(config: config, journal: journal.writer, publish: publisher != nil,
                                             logger: logger.labeled("explain"), onJournal: { publisher?.wake() })
        } catch {
            Diagnostics.fail("\(error)")
        }
        journal.note(JournalEvent(kind: .configLoaded, component: "line", message: "configuration loaded",
                                  fields: ["source": configPath ?? ConfigFile.builtIn]))
        journal.note(JournalEvent(kind: .modelLoaded, component: "expert", message: "model loaded",
                                  fields: ["path": config.recipe.model, "model_id": loaded.modelID,
                                           "precision": config.expert.precision.rawValue]))
        let journalAtStart = journal.writer.counters
        let retention = Retention(journal: journal.writer, keepDays: config.storage.keepDays, logger: logger.labeled("journal"))
        let signals = StopSignals { line.stop() }
        let hangUp = ReloadSignal { self.reload(line, logger: logger) }
        let status = LiveStatus(logger: logger) { line.status }
        let systemd = SystemdNotifier()
        let watchdog = WatchdogPinger(notifier: systemd) { line.secondsSinceProgress < 5 }
        publisher?.report { line.status }
        publisher?.start()
        sparkplug?.start()
        status.start()
        page?.start { lineStatus.status }
        watchdog.start()
        systemd.ready(status: "inspecting: recipe \(config.recipe.name), model \(loaded.modelID)")
        let final = line.run(limits: limits, observe: explain.map { explain in
            { part, frame in
                observe?(part, frame)
                explain.observe(part, frame)
            }
        } ?? observe)
        systemd.stopping()
        page?.stop()
        // Before the journal closes: the parts still queued are journalled as not explained.
        explain?.close()
        watchdog.stop()
        status.stop()
        retention.stop()
        journal.writer.close()
        publisher?.stop()
        sparkplug?.stop()
        let journalCost = RunSummary.JournalCost(from: journalAtStart, to: journal.writer.counters)
        hangUp.restore()
        signals.restore()
        var summary = RunSummary(status: final, recipe: config.recipe.name, modelID: loaded.modelID,
                                 source: config.camera.source.rawValue)
        summary.journal = journalCost
        summary.explain = explain?.counters
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

/// The line's status for the Sparkplug node, which is made before the line.
final class LineStatusSource: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Line?

    var line: Line? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    /// The line's status; an empty one before the line exists.
    var status: LineStatus? { line?.status }
}

/// Deletes journal records older than `storage.keep_days`: at start and then hourly, on the
/// journal's own connection (the writer's thread), never on the line's.
final class Retention: @unchecked Sendable {
    private let timer: any DispatchSourceTimer

    init(journal: JournalWriter, keepDays: Int, logger: Logger) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "eagle-edge.retention", qos: .utility))
        timer.schedule(deadline: .now(), repeating: 3600)
        timer.setEventHandler {
            do {
                let report = try journal.applyRetention(keepDays: keepDays)
                if report.parts + report.events > 0 {
                    logger.info("old records deleted", ["keep_days": "\(keepDays)", "parts": "\(report.parts)", "events": "\(report.events)"])
                }
            } catch {
                logger.warning("old records could not be deleted; will try again in an hour", ["error": "\(error)"])
            }
        }
        timer.resume()
    }

    func stop() { timer.cancel() }
}

extension LineSession {
    /// Reads the configuration file again and applies what can change while the line runs, or
    /// says why not.
    private func reload(_ line: Line, logger: Logger) {
        guard let configPath else {
            logger.warning("reload ignored: the line runs on the built-in defaults, there is no file to read again")
            return
        }
        do {
            let reloaded = try ApplianceConfig.load(path: configPath)
            logger.notice(line.reload(reloaded).description, ["file": configPath])
        } catch let error as ConfigError {
            logger.error("reload refused, the line keeps its configuration: \(error.description)")
        } catch {
            logger.error("reload refused, the line keeps its configuration: \(error)", ["file": configPath])
        }
    }
}

/// SIGHUP: read the configuration again. Dispatch sources are thread-safe.
final class ReloadSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(onReload: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "eagle-edge.reload"))
        source.setEventHandler(handler: onReload)
        source.resume()
    }

    func restore() {
        source.cancel()
        signal(SIGHUP, SIG_DFL)
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
