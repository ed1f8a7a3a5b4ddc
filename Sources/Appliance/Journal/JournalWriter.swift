import Actuate
import Capture
import EagleLog
import Foundation
import Inspection

/// The line's way into the journal: one thread ("journal") owns the write connection and
/// commits what the line submits, in batches, in submission order.
///
/// - Bounded: a queue of ``Options/capacity`` records. When it is full an event makes room by
///   dropping the oldest queued event (counted, logged once per episode); a part is essential
///   and never dropped: its submitter waits for room (counted, logged once per episode). At
///   30 parts/s the default queue holds minutes of parts, so a wait means the journal has been
///   failing for minutes (logged and counted all along).
/// - Batched: one transaction (and one sync) per batch of everything queued, up to
///   ``Options/batchSize`` records, at most one batch per ``Options/batchInterval`` unless a
///   batch is full or someone flushes.
/// - Never fatal: a failed open or commit (disk full, read-only file system, missing directory)
///   is logged when it starts and when it ends, counted at every attempt, and retried every
///   ``Options/retryInterval`` with the records kept in the queue, none lost.
/// - `onCommit` runs on the journal thread after each commit with what it committed: the line
///   wakes its publishers there, so nothing is published before it is journalled.
///
/// Call ``close()`` when done (the thread keeps the writer alive until then).
public final class JournalWriter: @unchecked Sendable {
    /// The journal file.
    public let path: String
    public let options: Options
    private let logger: Logger
    private let onCommit: @Sendable (JournalAppend) -> Void

    // Guarded by `condition`'s mutex.
    private let condition = MonotonicCondition()
    private var backlog: JournalBacklog
    private var jobs: [(Result<Journal, JournalError>) -> Void] = []
    private var stats = Counters()
    private var flushWaiters = 0
    private var closing = false
    private var closeDeadline: UInt64 = 0
    private var finished = false
    /// The first record given up by a `close()` that could not write it.
    private var firstLostTicket: UInt64?
    /// A full queue was logged and has not drained to half since.
    private var backlogFull = false

    // The journal thread's own (and `init`'s, before the thread starts).
    private var journal: Journal?
    /// The failure being retried, logged once; nil while commits succeed.
    private var problem: String?
    private var failedAttempts = 0
    /// Reject outcomes that came before their part's row, with the batches they have waited
    /// through (writer thread only); given up after ``outcomeRetries``.
    private var waitingOutcomes: [(result: RejectResult, batches: Int)] = []
    private static let outcomeRetries = 50

    /// Opens (or creates) the journal at `path` and starts the journal thread.
    ///
    /// Throws when the file can never be written: another application's file, another schema
    /// version, a damaged file. A problem that can pass (a missing or read-only directory) is
    /// logged, counted, and retried by the thread, so the line can start and catch up.
    public init(path: String, options: Options = Options(), logger: Logger = Logger(label: "journal"),
                onCommit: @escaping @Sendable (JournalAppend) -> Void = { _ in }) throws {
        self.path = path
        self.options = options
        self.logger = logger
        self.onCommit = onCommit
        backlog = JournalBacklog(capacity: options.capacity)
        switch openJournal() {
        case .success(let journal):
            stats.databaseBytes = journal.fileBytes
        case .failure(let error) where error.isTransient:
            noteFailure(error)
        case .failure(let error):
            throw error
        }
        let thread = Thread { [self] in
            // Named from inside: only then does Foundation pass the name on to the kernel
            // (`top -H`, /proc/PID/task/*/comm), not when it is set before `start()`.
            Thread.current.name = "journal"
            run()
        }
        thread.start()
    }

    // MARK: - Submitting

    /// Queues `part` for the journal. Returns at once unless the queue is full of parts, and
    /// then waits for room (see the type's notes): a part is never dropped.
    public func submit(_ part: Part) {
        condition.locked {
            var waited = false
            while true {
                if closing {
                    stats.lostParts += 1
                    logger.error("part submitted after the journal writer closed; it is not journalled", ["part_id": "\(part.id)"])
                    return
                }
                switch backlog.offer(part) {
                case .queued(let droppedEvent):
                    if droppedEvent { noteDroppedEvent() }
                    condition.broadcast()
                    return
                case .full, .droppedItself:
                    if !waited {
                        waited = true
                        stats.backlogFullWaits += 1
                    }
                    noteBacklogFull()
                    _ = condition.wait(until: nil)
                }
            }
        }
    }

    /// Queues `event` for the journal; never waits. When the queue is full the oldest queued
    /// event is dropped (this one if every queued record is a part), counted and logged.
    public func submit(_ event: JournalEvent) {
        condition.locked {
            guard !closing else {
                stats.droppedEvents += 1
                logger.warning("event submitted after the journal writer closed; dropped", ["kind": event.kind.rawValue])
                return
            }
            switch backlog.offer(event) {
            case .queued(let droppedEvent):
                if droppedEvent { noteDroppedEvent() }
                condition.broadcast()
            case .full, .droppedItself:
                noteDroppedEvent()
            }
        }
    }

    /// Queues a part's outcome at the reject actuator for its row; never waits (the reject
    /// thread calls it). Dropped like an event when the queue is full of parts.
    public func submit(_ result: RejectResult) {
        condition.locked {
            guard !closing else { return }
            switch backlog.offer(result) {
            case .queued(let droppedEvent):
                if droppedEvent { noteDroppedEvent() }
                condition.broadcast()
            case .full, .droppedItself:
                noteDroppedEvent()
            }
        }
    }

    // MARK: - Waiting and closing

    /// Waits until everything submitted before the call is committed (or dropped by the queue
    /// bound, for events). Returns false when `timeout` passed first, or when the writer gave
    /// up records at close. Commits the pending batch at once instead of waiting for the
    /// batch interval. A part counts as committed once `onCommit` has returned for it. Never
    /// call it from `onCommit`.
    @discardableResult
    public func flush(timeout: Duration? = nil) -> Bool {
        let deadline = timeout.map { MonotonicClock.now() &+ $0.nanoseconds }
        return condition.locked {
            let target = backlog.lastTicket
            flushWaiters += 1
            defer { flushWaiters -= 1 }
            condition.broadcast()
            while !backlog.isSettled(through: target) && !finished {
                if !condition.wait(until: deadline) && !backlog.isSettled(through: target) { return false }
            }
            return backlog.isSettled(through: target) && (firstLostTicket.map { $0 > target } ?? true)
        }
    }

    /// Writes what is queued (trying for up to ``Options/closeTimeout`` if the journal is
    /// failing; what is still queued then is logged and counted as lost), stops the thread and
    /// closes the connection. Later submissions are refused (and counted). Idempotent; never
    /// call it from `onCommit` (that runs on the thread it waits for).
    public func close() {
        condition.locked {
            if !closing {
                closing = true
                closeDeadline = MonotonicClock.now() &+ options.closeTimeout.nanoseconds
                condition.broadcast()
            }
            while !finished { _ = condition.wait(until: nil) }
        }
    }

    /// What the writer has done so far.
    public var counters: Counters {
        condition.locked {
            var counters = stats
            counters.backlog = backlog.count
            return counters
        }
    }

    // MARK: - Work on the write connection

    /// Runs `body` on the journal thread with the write connection, between batches, and
    /// returns its result: for maintenance that must not contend with the writer for the lock.
    /// Throws the open error when the journal cannot be opened, and ``JournalError/writerClosed(path:)``
    /// after ``close()``.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Journal) throws -> T) throws -> T {
        let outcome = PerformOutcome<T>()
        return try condition.locked {
            guard !closing else { throw JournalError.writerClosed(path: path) }
            jobs.append { [condition] journal in
                let result = Result<T, any Error> { try body(journal.get()) }
                condition.locked {
                    outcome.result = result
                    condition.broadcast()
                }
            }
            condition.broadcast()
            while true {
                if let result = outcome.result { return try result.get() }
                _ = condition.wait(until: nil)
            }
        }
    }

    /// Deletes records older than `keepDays` days (`storage.keep_days`) on the journal thread,
    /// a chunk per turn so batches keep flowing in between. The line calls it every hour or so.
    @discardableResult
    public func applyRetention(keepDays: Int, now: Date = Date(), chunk: Int = 5_000) throws -> RetentionReport {
        let cutoff = Journal.retentionCutoff(keepDays: keepDays, now: now)
        var report = RetentionReport()
        while true {
            let step = try perform { try $0.deleteOldestRecords(before: cutoff, limit: chunk) }
            report.add(step)
            if step.parts < chunk && step.events < chunk && step.explanations < chunk { return report }
        }
    }

    /// The outbox bound, on the journal thread: see ``Journal/trimOutbox(keepingNewest:)``.
    @discardableResult
    public func trimOutbox(keepingNewest limit: Int) throws -> Int {
        try perform { try $0.trimOutbox(keepingNewest: limit) }
    }

    // MARK: - The journal thread

    private enum Work {
        case job((Result<Journal, JournalError>) -> Void)
        case batch([JournalBacklog.Record])
    }

    private func run() {
        var lastCommit: UInt64?
        while let work = nextWork(lastCommit: lastCommit) {
            switch work {
            case .job(let job):
                job(openJournal())
            case .batch(let records):
                lastCommit = MonotonicClock.now()
                if !commit(records) && !waitBeforeRetry() {
                    giveUp()
                }
            }
        }
        journal = nil
        let pending = condition.locked {
            finished = true
            condition.broadcast()
            return jobs
        }
        for job in pending { job(.failure(.writerClosed(path: path))) }
    }

    /// The next job or batch, waiting for one (and for the batch interval); nil when closed.
    private func nextWork(lastCommit: UInt64?) -> Work? {
        condition.locked {
            while true {
                if !jobs.isEmpty { return .job(jobs.removeFirst()) }
                if backlog.isEmpty {
                    if closing { return nil }
                    _ = condition.wait(until: nil)
                    continue
                }
                if let lastCommit, !closing, flushWaiters == 0, backlog.count < options.batchSize {
                    let due = lastCommit &+ options.batchInterval.nanoseconds
                    if MonotonicClock.now() < due {
                        _ = condition.wait(until: due)
                        continue
                    }
                }
                return .batch(backlog.takeBatch(limit: options.batchSize))
            }
        }
    }

    /// Commits one batch; false when it failed (it stays queued).
    private func commit(_ records: [JournalBacklog.Record]) -> Bool {
        var parts: [Part] = [], events: [JournalEvent] = [], rejectResults: [RejectResult] = []
        for record in records {
            switch record {
            case .part(let part): parts.append(part)
            case .event(let event): events.append(event)
            case .rejectResult(let result): rejectResults.append(result)
            }
        }
        let appended: JournalAppend
        let bytes: Int64
        let started = MonotonicClock.now()
        do {
            let journal = try openJournal().get()
            appended = try journal.append(parts, events: events, outbox: options.outbox,
                                          rejectResults: waitingOutcomes.map(\.result) + rejectResults)
            bytes = journal.fileBytes
        } catch {
            let failure = error as? JournalError ?? .storage(path: path, detail: "\(error)", category: .other)
            if !failure.leavesConnectionSound { journal = nil }
            condition.locked { backlog.abandonBatch() }
            noteFailure(failure)
            return false
        }
        if problem != nil {
            logger.notice("journal writable again", ["failed_attempts": "\(failedAttempts)", "committed": "\(records.count)"])
            problem = nil
            failedAttempts = 0
            condition.locked { stats.problem = nil }
        }
        let waited = Dictionary(waitingOutcomes.map { ($0.result.id, $0.batches) }, uniquingKeysWith: max)
        waitingOutcomes = appended.unmatchedRejectResults.compactMap { result in
            let batches = (waited[result.id] ?? 0) + 1
            return batches <= Self.outcomeRetries ? (result, batches) : nil
        }
        for duplicate in appended.duplicates {
            logger.error("part id already journalled; this record was not stored", ["part_id": "\(duplicate.id)"])
        }
        // Before the batch leaves the queue: a flush returns only once its parts were reported.
        onCommit(appended)
        condition.locked {
            backlog.commit()
            stats.committedParts += appended.parts.count
            stats.committedEvents += appended.events.count
            stats.duplicateParts += appended.duplicates.count
            stats.batches += 1
            stats.commitSeconds += Double(MonotonicClock.now() - started) / 1e9
            stats.databaseBytes = bytes
            if backlogFull && backlog.count <= backlog.capacity / 2 {
                backlogFull = false
                logger.notice("journal backlog has room again", ["backlog": "\(backlog.count)",
                              "waits": "\(stats.backlogFullWaits)", "dropped_events": "\(stats.droppedEvents)"])
            }
            condition.broadcast()
        }
        return true
    }

    /// Waits for the retry interval (or a job); false when closing and past its deadline.
    private func waitBeforeRetry() -> Bool {
        let retryAt = MonotonicClock.now() &+ options.retryInterval.nanoseconds
        return condition.locked {
            while jobs.isEmpty {
                let now = MonotonicClock.now()
                if closing && now >= closeDeadline { return false }
                if now >= retryAt { return true }
                _ = condition.wait(until: closing ? min(retryAt, closeDeadline) : retryAt)
            }
            return true
        }
    }

    /// At close, past the deadline: what is still queued is given up, counted and logged.
    private func giveUp() {
        let lost = condition.locked {
            firstLostTicket = backlog.entries.first?.ticket
            let parts = backlog.removeAll()
            stats.lostParts += parts.count
            condition.broadcast()
            return parts
        }
        guard let first = lost.first, let last = lost.last else { return }
        logger.error("journal writer closed with parts it could not write; they are not journalled",
                     ["lost_parts": "\(lost.count)", "first_id": "\(first.id)", "last_id": "\(last.id)",
                      "error": problem ?? "unknown"])
    }

    private func openJournal() -> Result<Journal, JournalError> {
        if let journal { return .success(journal) }
        do {
            let opened = try Journal(path: path, access: .readWrite)
            journal = opened
            return .success(opened)
        } catch let error as JournalError {
            return .failure(error)
        } catch {
            return .failure(.storage(path: path, detail: "\(error)", category: .other))
        }
    }

    /// Counts a failed open or commit; logs it when it is a new problem.
    private func noteFailure(_ error: JournalError) {
        let backlogCount = condition.locked {
            stats.writeErrors += 1
            stats.problem = error.description
            return backlog.count
        }
        failedAttempts += 1
        guard problem != error.description else { return }
        problem = error.description
        logger.error("cannot write the journal; keeping the records in memory and retrying",
                     ["error": error.description, "backlog": "\(backlogCount)",
                      "retry_s": String(Double(options.retryInterval.nanoseconds) / 1e9)])
    }

    // Call with the mutex held.
    private func noteDroppedEvent() {
        stats.droppedEvents += 1
        noteBacklogFull()
    }

    // Call with the mutex held.
    private func noteBacklogFull() {
        guard !backlogFull else { return }
        backlogFull = true
        logger.warning("journal backlog full: parts wait for room, the oldest queued events are dropped",
                       ["capacity": "\(backlog.capacity)"])
    }
}

/// The result of a ``JournalWriter/perform(_:)`` job, handed from the journal thread to the
/// caller. Guarded by the writer's mutex.
private final class PerformOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
