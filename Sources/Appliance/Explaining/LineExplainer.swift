import Capture
import EagleLog
import Explain
import Foundation
import Imaging
import Inspection

/// The line's side of the MLLM explainer (`mllm.*`): it hands each flagged part, with the frame
/// it was decided on, to an ``Explainer`` and journals every outcome (and, with MQTT on, queues
/// it for `.../explanation`).
///
/// ``observe(_:_:)`` runs on the inspection thread after the part is journalled and archived:
/// it only queues (a lock and an append). Everything else happens on the explainer's threads;
/// the journal is written from its reporter thread, through the journal writer's own thread.
public final class LineExplainer: Sendable {
    public let explainer: Explainer
    /// The recipe's region: the crop the model is shown.
    private let roi: Rect?

    /// The explainer the configuration asks for; nil when `mllm.enabled` is false.
    /// - Parameters:
    ///   - journal: where outcomes are written; nil keeps them in the explainer's counters only.
    ///   - publish: whether each outcome also goes to the outbox (MQTT enabled).
    ///   - onJournal: called after each outcome is committed (wakes the publisher).
    /// - Throws: ``ExplainSetupError`` when the configuration cannot be acted on (an unreadable
    ///   knowledge file).
    public static func make(config: ApplianceConfig, journal: JournalWriter?, publish: Bool, logger: Logger,
                            onJournal: @escaping @Sendable () -> Void = {}) throws -> LineExplainer? {
        guard config.mllm.enabled else { return nil }
        let setup = try ExplainSetup(config: config, logger: logger)
        guard let endpoint = setup.endpoint else { throw ExplainSetupError.noEndpoint }
        let drops = DropLog(logger: logger)
        let explainer = Explainer(endpoint: endpoint, settings: setup.settings, options: setup.options,
                                  references: setup.references, logger: logger) { record in
            drops.note(record)
            guard let journal else { return }
            do {
                _ = try journal.perform { try $0.append(record, publish: publish) }
                onJournal()
            } catch {
                logger.error("explanation not journalled", ["part_id": "\(record.partID)", "error": "\(error)"])
            }
        }
        logger.notice("explainer started", ["endpoint": config.mllm.endpoint?.absoluteString ?? "", "model": setup.settings.model,
                                             "references": "\(setup.references?.count ?? 0)",
                                             "knowledge": config.recipe.knowledge ?? "none"])
        return LineExplainer(explainer: explainer, roi: config.recipe.roi)
    }

    init(explainer: Explainer, roi: Rect?) {
        self.explainer = explainer
        self.roi = roi
    }

    /// The line's observer: queues a flagged part that has a frame. Never waits.
    public func observe(_ part: Part, _ frame: CapturedFrame?) {
        guard let frame, let verdict = part.verdict, explainer.options.verdicts.contains(verdict) else { return }
        explainer.submit(ExplainSubject(part: part, frame: frame.image, region: roi))
    }

    /// Reports the parts still queued as not explained and stops the workers (waiting at most
    /// `timeout` seconds for requests in flight). Call before closing the journal writer.
    public func close(timeout: Double = 5) {
        explainer.close(timeout: timeout)
    }

    public var counters: ExplainerCounters { explainer.counters }
}

/// Logs the first part dropped from a full queue and then one in a hundred, with the count.
private final class DropLog: @unchecked Sendable {
    private let logger: Logger
    private var dropped = 0

    init(logger: Logger) { self.logger = logger }

    /// Called on the explainer's reporter thread only.
    func note(_ record: ExplanationRecord) {
        guard record.status == .notExplained, record.reason?.hasPrefix("queue full") == true else { return }
        dropped += 1
        if dropped == 1 || dropped % 100 == 0 {
            logger.warning("explain queue full: the oldest waiting part was dropped unexplained", ["dropped": "\(dropped)"])
        }
    }
}
