import EagleLog
import Foundation
import Imaging
import Inspection

/// Explains flagged parts through a remote multimodal LLM, on threads of its own, so that
/// nothing it does (or waits for) reaches the line.
///
/// - The line only calls ``submit(_:)``: it takes a lock, appends and returns. The queue holds
///   ``ExplainerOptions/queueCapacity`` parts; when full, the oldest waiting part is dropped
///   and reported as not explained.
/// - ``ExplainerOptions/concurrency`` worker threads ("explain-N", at nice 10) each own an HTTP client and
///   take parts in order: build the request (crop, boxes, JPEG), send it with a timeout, retry
///   retryable failures with full-jitter back-off honouring Retry-After, read the answer.
/// - A ``CircuitBreaker`` shared by the workers stops calls to an endpoint that keeps failing:
///   parts taken meanwhile are reported at once as not explained, and a probe tries again later.
/// - Every part submitted ends as exactly one ``ExplanationRecord``, handed to `onOutcome` on
///   the reporter thread ("explain-report"), one at a time, in the order they finished.
///
/// Call ``close(timeout:)`` when done.
public final class Explainer: @unchecked Sendable {
    public let endpoint: ChatEndpoint
    public let settings: PromptSettings
    public let options: ExplainerOptions
    private let references: ReferenceSet?
    private let logger: Logger
    private let onOutcome: @Sendable (ExplanationRecord) -> Void
    private let random: @Sendable () -> Double

    // Guarded by `lock`.
    private let lock = NSCondition()
    private var queue: [Pending] = []
    private var reports: [ExplanationRecord] = []
    private var reporting = false
    private var breaker: CircuitBreaker
    private var stats = ExplainerCounters()
    private var closing = false
    private var liveThreads = 0
    /// The last failure logged, so that a dead endpoint logs one line, not one per part.
    private var lastLoggedFailure: String?

    private struct Pending {
        var subject: ExplainSubject
        var queuedAt: UInt64
    }

    /// Starts the workers and the reporter.
    /// - Parameters:
    ///   - references: good parts of the product; the one most like each flagged part is shown
    ///     as Echo's normal reference. Nil shows none.
    ///   - random: values in 0..<1 for the back-off's jitter.
    public init(endpoint: ChatEndpoint, settings: PromptSettings, options: ExplainerOptions = ExplainerOptions(),
                references: ReferenceSet? = nil, logger: Logger = Logger(label: "explain"),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                onOutcome: @escaping @Sendable (ExplanationRecord) -> Void) {
        self.endpoint = endpoint
        self.settings = settings
        self.options = options
        self.references = references
        self.logger = logger
        self.onOutcome = onOutcome
        self.random = random
        breaker = CircuitBreaker(failureThreshold: options.breakerFailures, pauseSeconds: options.breakerPause,
                                 maxPauseSeconds: options.breakerMaxPause)
        liveThreads = options.concurrency + 1
        for index in 1...options.concurrency {
            Thread { [self] in
                Thread.current.name = "explain-\(index)"
                lowerPriority()
                work()
            }.start()
        }
        Thread { [self] in
            Thread.current.name = "explain-report"
            lowerPriority()
            report()
        }.start()
    }

    // MARK: - The line's side

    /// Queues `subject` when its verdict is one explained; returns whether it was queued.
    /// Never waits: a full queue drops its oldest part (reported as not explained).
    @discardableResult
    public func submit(_ subject: ExplainSubject) -> Bool {
        guard let verdict = subject.part.verdict, options.verdicts.contains(verdict) else { return false }
        let now = Self.monotonicNow()
        return locked {
            guard !closing else { return false }
            queue.append(Pending(subject: subject, queuedAt: now))
            stats.submitted += 1
            if queue.count > options.queueCapacity {
                let dropped = queue.removeFirst()
                stats.dropped += 1
                stats.notExplained += 1
                reports.append(ExplanationRecord(partID: dropped.subject.part.id, status: .notExplained,
                                                 reason: "queue full (\(options.queueCapacity)): dropped for a newer part",
                                                 model: settings.model, queuedMs: Self.ms(from: dropped.queuedAt, to: now)))
            }
            stats.queued = queue.count
            lock.broadcast()
            return true
        }
    }

    /// What the explainer has done so far.
    public var counters: ExplainerCounters {
        locked {
            var counters = stats
            counters.breaker = breaker.name
            return counters
        }
    }

    /// Waits until every part submitted so far has its outcome reported; false when `timeout`
    /// (seconds) passed first.
    @discardableResult
    public func flush(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        return locked {
            while !(queue.isEmpty && stats.inFlight == 0 && reports.isEmpty && !reporting) {
                if !lock.wait(until: deadline) { return queue.isEmpty && stats.inFlight == 0 && reports.isEmpty && !reporting }
            }
            return true
        }
    }

    /// Stops taking parts: those still queued are reported as not explained, requests in
    /// flight may finish (a retry's back-off is cut short), and after at most `timeout`
    /// seconds the call returns (a request still running then ends within its own timeout).
    /// Idempotent.
    public func close(timeout: Double = 5) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        locked {
            if !closing {
                closing = true
                let now = Self.monotonicNow()
                for left in queue {
                    stats.notExplained += 1
                    reports.append(ExplanationRecord(partID: left.subject.part.id, status: .notExplained,
                                                     reason: "the appliance stopped before it was sent", model: settings.model,
                                                     queuedMs: Self.ms(from: left.queuedAt, to: now)))
                }
                queue.removeAll()
                stats.queued = 0
                lock.broadcast()
            }
            while liveThreads > 0 {
                if !lock.wait(until: deadline) { break }
            }
        }
    }

    // MARK: - Workers

    private func work() {
        defer { locked { liveThreads -= 1; lock.broadcast() } }
        let client: HTTPClient
        do {
            client = try HTTPClient()
            // A stop cuts requests in flight short instead of waiting out their timeout.
            client.shouldAbort = { [weak self] in self?.isClosing ?? true }
        } catch {
            logger.error("explainer worker cannot start: \(error)")
            return
        }
        while let item = take() {
            let record = explain(item, client: client)
            locked {
                stats.inFlight -= 1
                switch record.status {
                case .explained:
                    stats.explained += 1
                    if record.explanation.map({ !$0.salvage.isEmpty }) == true { stats.salvaged += 1 }
                case .failed: stats.failed += 1
                case .notExplained: stats.notExplained += 1
                }
                reports.append(record)
                lock.broadcast()
            }
        }
    }

    /// The next part, or nil when closing.
    private func take() -> Pending? {
        locked {
            while queue.isEmpty && !closing { lock.wait() }
            guard !closing else { return nil }
            stats.inFlight += 1
            let item = queue.removeFirst()
            stats.queued = queue.count
            return item
        }
    }

    /// Asks the endpoint about one part, with retries; always returns its record.
    private func explain(_ item: Pending, client: HTTPClient) -> ExplanationRecord {
        let taken = Self.monotonicNow()
        let part = item.subject.part
        var record = ExplanationRecord(partID: part.id, status: .failed, model: settings.model,
                                       queuedMs: Self.ms(from: item.queuedAt, to: taken))
        let permit = locked { breaker.permit(now: taken) }
        if case .refused(let until) = permit {
            locked { stats.refused += 1 }
            let wait = until.map { " for \(Int((Double($0 &- min($0, taken)) / 1e9).rounded(.up))) s" } ?? " while a probe runs"
            record.status = .notExplained
            record.reason = "endpoint paused after repeated failures (circuit open\(wait))"
            return record
        }
        // The request: crop, boxes, reference, JPEG, JSON.
        let built: (request: ExplainRequest, body: [UInt8])
        do {
            let reference = references?.nearest(to: item.subject)
            let request = try ExplainRequest(item.subject, settings: settings, reference: reference)
            built = (request, try request.encodedBody())
        } catch {
            if permit == .probe { locked { breaker.abandonProbe(now: taken) } }
            record.reason = "cannot build the request: \(error)"
            return record
        }
        let sendStarted = Self.monotonicNow()
        locked { stats.buildMs += Self.ms(from: taken, to: sendStarted) }
        let http = HTTPRequest(url: endpoint.completionsURL, headers: endpoint.headers(), body: built.body,
                               timeout: options.timeout, maxResponseBytes: options.maxResponseBytes)
        send(http, client: client, boxCount: built.request.boxes.count, attempts: permit == .probe ? 1 : options.retries + 1, record: &record)
        record.latencyMs = Self.ms(from: sendStarted, to: Self.monotonicNow())
        return record
    }

    /// Sends `http` until it is answered, fails for good or runs out of attempts, and fills in
    /// `record`'s outcome.
    private func send(_ http: HTTPRequest, client: HTTPClient, boxCount: Int, attempts maxAttempts: Int,
                      record: inout ExplanationRecord) {
        var attempt = 0
        while true {
            attempt += 1
            record.attempts = attempt
            locked {
                stats.requests += 1
                if attempt > 1 { stats.retries += 1 }
            }
            let sent = Result { try client.send(http) }
            if case .failure(let error as HTTPError) = sent, error.kind == .cancelled {
                record.reason = "the appliance stopped during the request"
                return
            }
            let outcome = AttemptResult(sent)
            let now = Self.monotonicNow()
            switch outcome {
            case .answered(let response):
                let closed = locked { () -> Bool in
                    let wasOpen = breaker.state != .closed
                    breaker.succeeded()
                    return wasOpen
                }
                if closed { logger.notice("explainer endpoint answers again; circuit closed", ["endpoint": endpoint.baseURL]) }
                let parsed = AnswerParser.completion(response.body, boxCount: boxCount, knowledge: settings.knowledge)
                locked { stats.parseMs += Self.ms(from: now, to: Self.monotonicNow()) }
                record.usage = parsed.usage
                if let model = parsed.model, !model.isEmpty { record.model = model }
                switch parsed.answer {
                case .success(let explanation):
                    record.status = .explained
                    record.explanation = explanation
                    lastFailureCleared()
                case .failure(let failure):
                    record.reason = redacted(failure.reason)
                    noteFailure(record.reason ?? "")
                }
                return
            case .fatal(let reason):
                noteEndpointFailure(now: now, pause: 0, force: false)
                record.reason = redacted(reason)
                noteFailure(record.reason ?? "")
                return
            case .retryable(let reason, let retryAfter):
                let quota = retryAfter.map { $0 > options.maxRetryAfter } ?? false
                let paused = noteEndpointFailure(now: now, pause: quota ? UInt64((retryAfter ?? 0) * 1e9) : 0, force: quota)
                var why = redacted(reason)
                if quota, let retryAfter { why += "; retry after \(Int(retryAfter.rounded(.up))) s, longer than mllm's wait" }
                guard attempt < maxAttempts, !paused, !quota else {
                    record.reason = attempt > 1 ? "\(why) (after \(attempt) attempts)" : why
                    noteFailure(why)
                    return
                }
                let delay = max(options.backoff.delay(attempt: attempt - 1, random: random), retryAfter ?? 0)
                if !sleep(delay) {
                    record.reason = "\(why); the appliance stopped before the retry"
                    return
                }
            }
        }
    }

    /// Counts a failed attempt against the breaker; true when the circuit is (now) open.
    @discardableResult
    private func noteEndpointFailure(now: UInt64, pause: UInt64, force: Bool) -> Bool {
        let (opened, open, failures) = locked { () -> (Bool, Bool, Int) in
            let opened = breaker.failed(now: now, pauseAtLeast: pause, forceOpen: force)
            if opened { stats.breakerOpened += 1 }
            return (opened, breaker.state != .closed, breaker.consecutiveFailures)
        }
        if opened {
            logger.warning("explainer endpoint keeps failing; calls paused (circuit open)",
                           ["endpoint": endpoint.baseURL, "failures": "\(failures)"])
        }
        return open
    }

    private var isClosing: Bool { locked { closing } }

    /// Sleeps `seconds` unless the explainer closes first; false when it did.
    private func sleep(_ seconds: Double) -> Bool {
        let until = Date(timeIntervalSinceNow: seconds)
        return locked {
            while !closing {
                if !lock.wait(until: until) { return !closing }
            }
            return false
        }
    }

    private func noteFailure(_ reason: String) {
        let isNew = locked { () -> Bool in
            defer { lastLoggedFailure = reason }
            return lastLoggedFailure != reason
        }
        if isNew { logger.warning("part not explained", ["reason": reason]) }
    }

    private func lastFailureCleared() {
        locked { lastLoggedFailure = nil }
    }

    /// A server's error text may quote the key it refused: it never reaches a record or a log.
    private func redacted(_ text: String) -> String {
        guard let key = endpoint.apiKey, key.count >= 4 else { return text }
        return text.replacingOccurrences(of: key, with: "<redacted>")
    }

    // MARK: - Reporter

    private func report() {
        defer { locked { liveThreads -= 1; lock.broadcast() } }
        while true {
            let batch = locked { () -> [ExplanationRecord]? in
                while reports.isEmpty && !(closing && liveThreads == 1) { lock.wait() }
                if reports.isEmpty { return nil }
                reporting = true
                defer { reports.removeAll() }
                return reports
            }
            guard let batch else { return }
            for record in batch { onOutcome(record) }
            locked {
                reporting = false
                lock.broadcast()
            }
        }
    }

    // MARK: - Helpers

    /// Nice 10 for the calling thread alone (Linux keeps a nice value per thread, and `who` 0
    /// names the calling one): encoding the images yields the CPU to capture and the expert.
    private func lowerPriority() {
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10) != 0 {
            logger.debug("explain thread keeps its priority", ["errno": "\(errno)"])
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func ms(from start: UInt64, to end: UInt64) -> Double {
        end >= start ? Double(end - start) / 1e6 : 0
    }
}
