import Actuate
import Capture
import EagleLog
import Foundation
import Imaging
import Inspection
import PatchCore
import Synchronization
import Web

/// The inspection line, read top-down: the configured frame source feeds a capture thread,
/// which decodes every frame and hands the newest to the inspection thread (the one that calls
/// ``run(limits:observe:)``); there each frame becomes exactly one part record:
///
/// 1. the recipe's region of the frame (`recipe.roi`);
/// 2. the backbone's input (resized and cropped as the model was taught);
/// 3. the expert's score and anomaly map;
/// 4. the decision (`decision.*`): pass, reject or unsure, or the fail-safe action when the
///    frame came too late (`decision.budget_ms`) or the expert failed;
/// 5. the evidence: the suspect regions, in camera pixels;
/// 6. the record goes to the journal first (``PartRecorder``), naming the images the archive
///    will keep of it (``ImageArchive``: rejected, unsure and not-inspected parts, and an audit
///    sample of good ones); then the frame and the anomaly map go to the archive's queue, which
///    writes them on its own thread; then the record goes to the reject actuator's own queue
///    of parts in flight (``RejectActuator``, when `reject.enabled`), and to whoever observes the
///    line (the demo's tally; the publishers read the journal).
///
/// Frames the expert cannot take in time are dropped on purpose by the capture hand-off (it
/// keeps only the newest) and counted there with driver gaps and corrupt frames; a frame taken
/// too late becomes a part "not inspected (over budget)". Nothing is dropped silently. The
/// line never waits for the disk: a full archive queue drops images, not parts.
public final class Line: Sendable {
    public let config: ApplianceConfig
    let expert: PatchCoreExpert
    let modelID: String
    let capture: CaptureLoop
    let recorder: (any PartRecorder)?
    let archive: ImageArchive?
    /// The MQTT publisher, reported in the status and health; nil without MQTT.
    let publisher: OutboxPublisher?
    /// Where the status page finds the latest frame; posting never waits for a viewer.
    let live: LatestSlot<LiveFrame>?
    let actuator: RejectActuator?
    /// The photo-eye input, with `line.trigger: photo_eye`.
    let photoEye: GPIOInput?
    let logger: Logger
    private let finder = SuspectRegionFinder()
    private let state: Mutex<State>

    private struct State {
        /// `decision.*`: the one section a reload changes while the line runs.
        var decision: DecisionConfig
        var stopRequested = false
        var started: UInt64 = 0
        /// When the inspection loop last went round (CLOCK_MONOTONIC ns): the watchdog's proof of life.
        var lastProgress: UInt64 = 0
        /// CPU seconds the process had used when the line started, and its resident size one
        /// minute in (the baseline that growth over a long run is measured from).
        var cpuAtStart = 0.0
        var residentAtOneMinute: Double?
        var nextID = PartID(rawValue: 1)
        var counters = LineCounters()
        var latency = LatencyHistogram()
        var recent = RecentRate()
        /// The last expert failure, logged once per new message.
        var lastFailure: String?
        /// The expert's failure on the latest part; nil when it scored it.
        var expertFailure: String?
    }

    /// A line over the configured source (or `capture`, for tests) and the loaded expert.
    /// - Parameters:
    ///   - recorder: the journal; nil keeps records in memory only (counters, observers).
    ///   - archive: where images of parts are kept; nil keeps none. Its owner closes it.
    ///   - publisher: the MQTT publisher whose state the status and health show; its owner
    ///     starts and stops it.
    ///   - actuator: the reject actuator, started and stopped with the line; nil for none.
    ///   - photoEye: the photo-eye input whose rising edges make the parts (`line.trigger:
    ///     photo_eye`); nil: every frame the expert takes is a part.
    ///   - live: the status page's slot for the latest frame, its map and boxes; nil for none.
    public init(config: ApplianceConfig, expert: ExpertLoader.Loaded, recorder: (any PartRecorder)?,
                archive: ImageArchive? = nil, publisher: OutboxPublisher? = nil, actuator: RejectActuator? = nil,
                photoEye: GPIOInput? = nil, capture: CaptureLoop? = nil, live: LatestSlot<LiveFrame>? = nil, logger: Logger) throws {
        self.config = config
        self.expert = expert.expert
        self.modelID = expert.modelID
        self.recorder = recorder
        self.archive = archive
        self.publisher = publisher
        self.live = live
        self.actuator = actuator
        self.photoEye = photoEye
        self.logger = logger
        do {
            // Every change of the camera's state goes into the journal (called on the capture
            // thread; noting an event never waits).
            self.capture = try capture ?? CaptureLoop(settings: config.camera, logger: logger.labeled("capture")) { health in
                recorder?.note(JournalEvent(kind: .health, component: "camera", message: health.description,
                                            fields: ["state": health.name]))
            }
        } catch {
            throw LineError.source("\(error)")
        }
        var initial = State(decision: config.decision)
        initial.nextID = recorder?.nextPartID() ?? PartID(rawValue: 1)
        self.state = Mutex(initial)
    }

    /// Runs the line on the calling thread until `limits` are reached, ``stop()`` is called or
    /// the source ends; then stops capture and waits (up to 1.5 s) for the journal to commit
    /// every record and (up to 3 s) for the archive to write the images queued. `observe` sees
    /// each part and the frame it was decided on, on this thread.
    @discardableResult
    public func run(limits: RunLimits = RunLimits(),
                    observe: ((Part, CapturedFrame?) -> Void)? = nil) -> LineStatus {
        let started = MonotonicClock.now()
        let cpu = ResourceUsage.cpuSeconds()
        state.withLock {
            $0.started = started
            $0.cpuAtStart = cpu
        }
        let deadline = limits.duration.map { started + UInt64(max($0, 0) * 1e9) }
        let startFields = ["recipe": config.recipe.name, "model": modelID, "source": config.camera.source.rawValue,
                           "precision": expert.model.settings.precision.rawValue]
        logger.notice("line started", ["recipe": config.recipe.name, "model": modelID, "source": config.camera.source.rawValue])
        recorder?.note(JournalEvent(kind: .lifecycle, component: "line", message: "line started", fields: startFields))
        // With a photo-eye, each rising edge is a part, announced to the actuator at once (its
        // verdict may then come late, and the fail-safe acts); its frame is claimed below.
        let trigger = photoEye.map { input in
            PhotoEyeTrigger(input: input, offsetMs: config.line.photoEyeOffsetMs, windowMs: config.line.frameWindowMs,
                            logger: logger.labeled("photo-eye"), nextID: { [self] in takeID() },
                            announce: { [actuator] id, time in actuator?.announce(id, at: time) })
        }
        capture.start()
        actuator?.start()
        trigger?.start()
        while true {
            // The ready output and the fail-safe follow the health seen here: a loop that
            // stops going round lets the actuator's report go stale, and ready drops.
            actuator?.update(health)
            let now = MonotonicClock.now()
            let (done, sampleMemory) = state.withLock { s in
                s.lastProgress = now
                let done = s.stopRequested || limits.parts.map { s.counters.parts >= UInt64($0) } == true
                return (done, s.residentAtOneMinute == nil && now - started >= 60_000_000_000)
            }
            if sampleMemory {
                let resident = ResourceUsage.residentMiB() ?? 0
                state.withLock { $0.residentAtOneMinute = resident }
            }
            if done { break }
            if let deadline, MonotonicClock.now() >= deadline { break }
            if let trigger {
                // A frame of the part captured in its window would have come within the budget.
                let grace = UInt64(state.withLock { $0.decision.budgetMs }) * 1_000_000
                for pending in trigger.expire(now: MonotonicClock.now(), grace: grace) { recordWithoutFrame(pending.id, observe: observe) }
            }
            guard let frame = capture.nextFrame(timeout: 0.1) else {
                if capture.waitUntilFinished(timeout: 0) { break } // the source ended
                continue
            }
            let id: PartID
            if let trigger {
                let (claimed, missed) = trigger.claim(frameTime: frame.frame.timestamp)
                for pending in missed { recordWithoutFrame(pending.id, observe: observe) }
                guard let claimed else {
                    state.withLock { $0.counters.framesBetweenParts += 1 }
                    continue
                }
                id = claimed.id
            } else {
                id = takeID()
            }
            let (decided, heatmap) = inspect(frame, id: id)
            // 6. The record names its images before the journal takes it; the archive's queue
            //    then takes the frame (never waited for), and the observers the record.
            var part = decided
            part.images = archive?.plan(part) ?? ArchivedImages()
            record(part)
            archive?.submit(part, frame: frame.image, heatmap: heatmap)
            live?.post(LiveFrame(part, image: frame.image, heatmap: heatmap))
            actuator?.submit(part)
            observe?(part, frame)
        }
        trigger?.stop()
        actuator?.stop()
        capture.stop()
        if let recorder, !recorder.flush(timeout: 1.5) {
            logger.error("journal did not commit every part before the line stopped")
        }
        if let archive, !archive.flush(timeout: 3) {
            logger.warning("archive did not write every queued image before the line stopped")
        }
        let final = status
        let stopFields = ["parts": "\(final.counters.parts)", "uptime_s": String(format: "%.1f", final.uptime)]
        logger.notice("line stopped", ["parts": "\(final.counters.parts)", "uptime_s": String(format: "%.1f", final.uptime)])
        if let recorder {
            recorder.note(JournalEvent(kind: .lifecycle, component: "line", message: "line stopped", fields: stopFields))
            _ = recorder.flush(timeout: 0.5)
        }
        return final
    }

    /// Asks the running line to stop after the part in hand. Safe from any thread (a signal
    /// handler's queue).
    public func stop() {
        state.withLock { $0.stopRequested = true }
    }

    /// Seconds since the inspection loop last went round; large when it hangs (the loop waits
    /// at most 0.1 s for a frame, so a healthy line stays well below a second).
    public var secondsSinceProgress: Double {
        let now = MonotonicClock.now()
        return state.withLock { s in s.lastProgress == 0 || now < s.lastProgress ? 0 : Double(now - s.lastProgress) / 1e9 }
    }

    /// The line now.
    public var status: LineStatus {
        let now = MonotonicClock.now()
        let captureCounters = capture.counters
        let health = capture.health
        let cpu = ResourceUsage.cpuSeconds()
        let (resident, peak) = ResourceUsage.residentAndPeakMiB()
        let journalProblem = recorder?.problem
        let archived = archive?.status
        let publishing = publisher?.counters
        let publisherHealth = publisher.map { [$0.health] } ?? []
        let actuatorAlarm = actuator?.alarm
        let rejectCounters = actuator?.counters
        return state.withLock { s in
            var counters = s.counters
            counters.capture = captureCounters
            // `now` was read before the lock: the line may have started since.
            let uptime = s.started == 0 || now < s.started ? 0 : Double(now - s.started) / 1e9
            let resources = LineStatus.Resources(cpuPercent: uptime > 0 ? 100 * (cpu - s.cpuAtStart) / uptime : 0,
                                                 residentMiB: resident, residentAtOneMinuteMiB: s.residentAtOneMinute,
                                                 peakResidentMiB: peak)
            var lineHealth = LineHealth(camera: health, expertFailure: s.expertFailure, journalProblem: journalProblem,
                                        archiveProblem: archived.flatMap { $0.isOK ? nil : "\($0.health)" },
                                        others: publisherHealth)
            if actuator != nil { lineHealth.addActuator(alarm: actuatorAlarm) }
            return LineStatus(uptime: uptime, counters: counters, latency: s.latency,
                              partsPerSecond: s.recent.perSecond(now: now),
                              recentP99Ms: s.recent.latencyPercentile(0.99, now: now), camera: health.name,
                              resources: resources, health: lineHealth, archive: archived, publishing: publishing,
                              reject: rejectCounters)
        }
    }

    /// The line's health without the cost of the whole status (read every time round the loop).
    public var health: LineHealth {
        let camera = capture.health
        let journalProblem = recorder?.problem
        let archived = archive?.status
        let actuatorAlarm = actuator?.alarm
        var health = state.withLock { s in
            LineHealth(camera: camera, expertFailure: s.expertFailure, journalProblem: journalProblem,
                       archiveProblem: archived.flatMap { $0.isOK ? nil : "\($0.health)" })
        }
        if actuator != nil { health.addActuator(alarm: actuatorAlarm) }
        return health
    }

    // MARK: - One frame, one part

    /// The part record of one captured frame, the steps of the type's description in order,
    /// and the expert's anomaly map placed on the frame (for the archive's overlay; nil when
    /// the expert failed).
    func inspect(_ captured: CapturedFrame, id: PartID) -> (part: Part, heatmap: PartHeatmap?) {
        let frame = captured.frame
        let decision = state.withLock { $0.decision }
        let rule = decision.rule
        let stamp = FrameStamp(sequence: UInt64(frame.sequence), monotonicNanoseconds: frame.timestamp)
        let taken = MonotonicClock.now()
        var timings = StageTimings(waitMs: Self.milliseconds(from: frame.timestamp, to: taken),
                                   decodeMs: Double(captured.decodeNanoseconds) / 1e6)
        func part(_ outcome: DecisionRule.Outcome, result: AnomalyResult? = nil, boxes: [SuspectBox] = []) -> Part {
            Part(id: id, frame: stamp, decidedAt: Date(), recipe: config.recipe.name, modelID: modelID,
                 score: result?.score, normalizedScore: result?.normalizedScore, verdict: outcome.verdict,
                 reason: outcome.reason, action: outcome.action, boxes: boxes, timings: timings)
        }
        do {
            // 1. The recipe's region of the frame.
            let roi = config.recipe.roi ?? Rect(x: 0, y: 0, width: captured.image.width, height: captured.image.height)
            let region = roi == Rect(x: 0, y: 0, width: captured.image.width, height: captured.image.height)
                ? captured.image : try captured.image.cropped(to: roi)
            // 2. The backbone's input.
            var clock = MonotonicClock.now()
            let input = try expert.preprocess(region)
            let lines = expert.lineContrast(of: region)
            timings.preprocessMs = Self.milliseconds(from: clock, to: MonotonicClock.now())
            // 3. The expert.
            clock = MonotonicClock.now()
            let result = try expert.inspect(crop: input, lines: lines)
            let decided = MonotonicClock.now()
            state.withLock { $0.expertFailure = nil }
            timings.expertMs = Self.milliseconds(from: clock, to: decided)
            timings.totalMs = Self.milliseconds(from: frame.timestamp, to: decided)
            let heatmap = PartHeatmap(result, model: expert.model, roi: roi)
            // 4. The decision: a verdict that comes after the budget is worth nothing at the actuator.
            if let total = timings.totalMs, total > Double(decision.budgetMs) {
                return (part(rule.notInspected(because: .overBudget), result: result), heatmap)
            }
            let outcome = rule.decide(normalizedScore: result.normalizedScore)
            // 5. The evidence, for reject and unsure verdicts.
            let boxes = outcome.verdict == .pass ? [] : suspectBoxes(result, roi: roi, region: region)
            return (part(outcome, result: result, boxes: boxes), heatmap)
        } catch {
            noteFailure("\(error)")
            timings.totalMs = Self.milliseconds(from: frame.timestamp, to: MonotonicClock.now())
            return (part(rule.notInspected(because: .expertFailed)), nil)
        }
    }

    /// The expert's suspect regions on the frame: found on the anomaly map (the backbone's
    /// input), mapped back through the resize and crop, then offset by the ROI.
    private func suspectBoxes(_ result: AnomalyResult, roi: Rect, region: RGBImage) -> [SuspectBox] {
        let calibration = expert.model.calibration
        let geometry = InputGeometry(settings: expert.model.settings, sourceWidth: region.width, sourceHeight: region.height)
        return finder.regions(in: result.anomalyMap, floor: Float(calibration.threshold)).map { found in
            let box = geometry.sourceRect(found.box)
            return SuspectBox(x: box.x + roi.x, y: box.y + roi.y, width: box.width, height: box.height,
                              score: calibration.normalized(Double(found.peak)))
        }
    }

    // MARK: - Reload

    /// Takes a reloaded configuration (SIGHUP): `decision.*` applies from the next part; a
    /// change anywhere else needs a restart, and the outcome names those sections.
    public func reload(_ new: ApplianceConfig) -> ConfigReload {
        let reload = ConfigReload(running: config, reloaded: new, current: state.withLock { $0.decision })
        if reload.applied.contains("decision") {
            state.withLock { $0.decision = new.decision }
        }
        return reload
    }

    // MARK: - Bookkeeping

    private func takeID() -> PartID {
        state.withLock { s in
            let id = s.nextID
            s.nextID = id.next
            return id
        }
    }

    /// A photo-eye part no frame came for: not inspected (no frame, or camera lost), with the
    /// fail-safe action; journalled, handed to the actuator and the observers like any part.
    private func recordWithoutFrame(_ id: PartID, observe: ((Part, CapturedFrame?) -> Void)?) {
        let rule = state.withLock { $0.decision.rule }
        let cause: NotInspectedCause
        if case .cameraLost = capture.health { cause = .cameraLost } else { cause = .noFrame }
        let outcome = rule.notInspected(because: cause)
        let part = Part(id: id, frame: nil, decidedAt: Date(), recipe: config.recipe.name, modelID: modelID, score: nil,
                        normalizedScore: nil, verdict: nil, reason: outcome.reason, action: outcome.action)
        record(part, tookFrame: false)
        actuator?.submit(part)
        observe?(part, nil)
    }

    /// Journal first; then the counters the status shows.
    private func record(_ part: Part, tookFrame: Bool = true) {
        recorder?.record(part)
        let now = MonotonicClock.now()
        state.withLock { s in
            if tookFrame { s.counters.framesTaken += 1 }
            s.counters.count(part)
            if let total = part.timings.totalMs {
                s.latency.record(total)
                s.recent.record(at: now, latencyMs: total)
            }
        }
    }

    /// Logs a failure the first time its message is seen (a broken model fails every frame the
    /// same way: one line, and the counters say how often).
    private func noteFailure(_ message: String) {
        let isNew = state.withLock { s in
            defer {
                s.lastFailure = message
                s.expertFailure = message
            }
            return s.lastFailure != message
        }
        if isNew {
            logger.error("part not inspected: the expert failed", ["error": message])
            recorder?.note(JournalEvent(kind: .health, component: "expert", message: "the expert failed: \(message)",
                                        fields: ["state": "failing"]))
        }
    }

    private static func milliseconds(from start: UInt64, to end: UInt64) -> Double {
        end >= start ? Double(end - start) / 1e6 : 0
    }
}
