import Capture
import Dispatch
import EagleLog
import Foundation
import Inspection
import Publish
import Synchronization

/// Drains the journal's outbox to the MQTT broker, in order, and marks each message delivered
/// when the broker acknowledges it (docs/mqtt.md).
///
/// - One thread (named `publisher`) with its own journal connection reads the outbox, publishes
///   at most ``Options/window`` messages ahead of the acknowledgements, and marks them
///   delivered on PUBACK (QoS 1) or when written (QoS 0). The line never waits on it: the
///   journal's commit hook only calls ``wake()``.
/// - A message sent but not acknowledged when the process dies is sent again after the
///   restart: receivers de-duplicate by `part_id` (results, reject outcomes) or `event_id` (events).
/// - The retained status says `online` on every connect, `offline` after ``stop()``, and the
///   will says `offline` (`connection_lost`) when the connection vanishes.
/// - The spool bound (``Options/spoolLimit``) drops the oldest undelivered messages; each drop
///   is counted, logged and journalled as a `drop` event, which is published in turn.
public final class OutboxPublisher: @unchecked Sendable {
    public let topics: StationTopics
    public let options: Options
    private let journalPath: String
    private let status: StatusMessage
    private let encoder: PayloadEncoder
    private let logger: Logger
    private let mailbox: PublisherMailbox
    private let client: MQTTClient
    private let stats = Mutex(Counters())
    private let finished = DispatchSemaphore(value: 0)
    private let started = Mutex(false)
    /// Where the `counters` and `health` topics read the line; nil publishes neither.
    private let lineStatus = Mutex<(@Sendable () -> LineStatus)?>(nil)

    /// Prepares the publisher and its client; nothing connects until ``start()``.
    ///
    /// - Parameters:
    ///   - journalPath: the journal whose outbox is drained (the line's writer creates it).
    ///   - client: the broker connection; its will is set here to the offline status.
    ///   - status: the station's `online` status, published retained on every connect.
    public init(journalPath: String, client clientOptions: MQTTClientOptions, topics: StationTopics,
                status: StatusMessage, options: Options = Options(), logger: Logger) throws {
        let encoder = PayloadEncoder(formatTime: UTCTimestamp.string)
        var clientOptions = clientOptions
        clientOptions.will = MQTTClientOptions.Will(topic: topics.status, payload: try encoder.encode(status.offline(.connectionLost)),
                                                    qos: 1, retain: true)
        clientOptions.sendMaximum = options.window
        let mailbox = PublisherMailbox()
        self.client = try MQTTClient(options: clientOptions, handlers: MQTTClientHandlers(
            connected: { mailbox.connected() },
            disconnected: { error in mailbox.disconnected(error.map { "\($0)" }) },
            published: { mid, reason in mailbox.acknowledged(mid: mid, reason: reason) }
        ), logger: logger)
        self.mailbox = mailbox
        self.journalPath = journalPath
        self.topics = topics
        self.status = status
        self.options = options
        self.encoder = encoder
        self.logger = logger
    }

    /// Publishes the line's counters every ``Options/countersIntervalSeconds`` and its health
    /// on change from `status` (called on the publisher thread). Call before ``start()``.
    public func report(_ status: @escaping @Sendable () -> LineStatus) {
        lineStatus.withLock { $0 = status }
    }

    /// Connects and starts draining.
    public func start() {
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        client.start()
        let thread = Thread { [self] in
            Thread.current.name = "publisher"
            var drain = Drain(publisher: self, reporter: lineStatus.withLock { $0 }.map {
                LineStateReporter(status: $0, topics: topics, station: status, encoder: encoder,
                                  intervalSeconds: options.countersIntervalSeconds)
            })
            drain.run()
            finished.signal()
        }
        thread.start()
    }

    /// New records are in the outbox: called from the journal's commit hook, returns at once.
    public func wake() {
        mailbox.wake()
    }

    /// Spends up to ``Options/stopSeconds`` sending what the outbox still holds and waiting for
    /// the acknowledgements, publishes the final counters and the `offline` status, disconnects
    /// cleanly and ends the thread. What is still unacknowledged stays in the outbox for the
    /// next run.
    public func stop() {
        guard started.withLock({ $0 }) else { return }
        mailbox.stop()
        finished.wait()
    }

    public var counters: Counters {
        var counters = stats.withLock { $0 }
        counters.connected = client.isConnected
        counters.problem = counters.connected ? nil : mailbox.problem
        return counters
    }

    // MARK: - The publisher thread

    /// The publisher thread's state: only that thread touches it.
    private struct Drain {
        let publisher: OutboxPublisher
        /// Publishes counters and health; nil when no line reports to this publisher.
        var reporter: LineStateReporter?
        var journal: Journal?
        var journalProblem: String?
        /// Sent, not yet acknowledged: message id to outbox sequence, when it was sent, and the
        /// verdict's time of a result sent live.
        var inFlight: [Int32: (sequence: Int64, sentAt: UInt64, liveSince: Date?)] = [:]
        /// The highest sequence handed to the client: the next read starts after it.
        var lastSent: Int64 = 0
        var connection = 0
        /// Messages sent on an earlier connection are still unacknowledged: libmosquitto sends
        /// them again after the CONNACK, and new messages wait until they are acknowledged, or
        /// they would overtake them.
        var resending = false
        var nextTrim: UInt64 = 0
        var nextBacklogLook: UInt64 = 0
        /// The mid of the last status published, whose acknowledgement marks nothing.
        var statusMid: Int32?
        var statusAcknowledged = false

        var options: Options { publisher.options }

        mutating func run() {
            while true {
                let mail = publisher.mailbox.take(waitingUntil: MonotonicClock.now() + nanoseconds(options.pollSeconds))
                guard let journal = openJournal() else {
                    if mail.stopping { break }
                    continue
                }
                acknowledge(mail.acknowledgements, in: journal)
                if mail.stopping { break }
                if mail.connection != connection, mail.connected {
                    connection = mail.connection
                    resending = !inFlight.isEmpty
                    publisher.stats.withLock { $0.connects = mail.connection }
                    publishStatus(publisher.status)
                }
                let now = MonotonicClock.now()
                if now >= nextTrim {
                    nextTrim = now + nanoseconds(options.trimSeconds)
                    applySpoolBound(journal)
                }
                if mail.connected {
                    resendIfStuck(now: now)
                    fillWindow(from: journal)
                }
                reporter?.tick(now: now, connection: mail.connected ? connection : nil, publisher: publisher)
                if now >= nextBacklogLook {
                    nextBacklogLook = now + 1_000_000_000
                    lookAtBacklog(journal)
                }
            }
            shutDown()
        }

        /// Opens the journal connection on first use, and again after a failure; logs a
        /// problem once, and its end.
        mutating func openJournal() -> Journal? {
            if let journal { return journal }
            do {
                journal = try Journal(path: publisher.journalPath)
                if journalProblem != nil {
                    publisher.logger.notice("the publisher reads the journal again", ["journal": publisher.journalPath])
                    journalProblem = nil
                }
            } catch {
                if journalProblem != "\(error)" {
                    publisher.logger.error("the publisher cannot open the journal; retrying", ["error": "\(error)"])
                    journalProblem = "\(error)"
                }
            }
            return journal
        }

        /// A failed journal read or write: log it, and reopen the connection next time.
        mutating func journalFailed(_ error: any Error, doing what: String) {
            publisher.logger.error("the publisher could not \(what) the journal; retrying", ["error": "\(error)"])
            journalProblem = "\(error)"
            journal = nil
        }

        mutating func acknowledge(_ acknowledgements: [(mid: Int32, reason: Int32)], in journal: Journal) {
            var sequences: [Int64] = []
            var refused = 0
            var delivered: [Double] = []
            let now = Date()
            for (mid, reason) in acknowledgements {
                if mid == statusMid {
                    // Forgotten once acknowledged: message ids wrap at 65535, and a result that
                    // later gets the same id must not have its acknowledgement taken for this one.
                    statusAcknowledged = true
                    statusMid = nil
                    continue
                }
                guard let message = inFlight.removeValue(forKey: mid) else { continue }
                // MQTT 5 reasons of 128 and above refuse the message; sending it again would
                // be refused again, so it counts as done, loudly.
                if reason >= 128 {
                    refused += 1
                    publisher.logger.error("the broker refused a message", ["sequence": "\(message.sequence)", "reason_code": "\(reason)"])
                }
                sequences.append(message.sequence)
                if let liveSince = message.liveSince, reason < 128 { delivered.append(now.timeIntervalSince(liveSince) * 1000) }
            }
            guard !sequences.isEmpty else { return }
            do {
                try journal.markDelivered(sequences)
                publisher.stats.withLock { stats in
                    stats.acknowledged += sequences.count - refused
                    stats.refused += refused
                    for milliseconds in delivered { stats.delivery.record(milliseconds) }
                }
            } catch {
                // Not marked: they will be sent again, which receivers de-duplicate.
                journalFailed(error, doing: "mark delivered in")
            }
        }

        mutating func fillWindow(from journal: Journal) {
            if resending, !inFlight.isEmpty { return }
            resending = false
            let room = options.window - inFlight.count
            guard room > 0 else { return }
            let pending: [OutboxMessage]
            do {
                // The in-flight messages are the oldest undelivered: read past them.
                pending = try journal.pending(limit: options.window).filter { $0.sequence > lastSent }
            } catch {
                journalFailed(error, doing: "read the outbox of")
                return
            }
            var deliveredAtSend: [Int64] = []
            for message in pending.prefix(room) {
                let (topic, payload): (String, [UInt8])
                do {
                    (topic, payload) = try publisher.encode(message)
                } catch {
                    publisher.logger.error("a message could not be encoded; it is skipped",
                                           ["sequence": "\(message.sequence)", "error": "\(error)"])
                    deliveredAtSend.append(message.sequence)
                    lastSent = message.sequence
                    continue
                }
                let mid: Int32
                do {
                    mid = try publisher.client.publish(topic: topic, payload: payload, qos: options.qos, retain: false)
                } catch {
                    // The connection went between the check and the send: the next connect resumes here.
                    publisher.logger.warning("\(error)", ["sequence": "\(message.sequence)"])
                    break
                }
                lastSent = message.sequence
                publisher.stats.withLock { $0.sent += 1 }
                if options.qos == 0 {
                    deliveredAtSend.append(message.sequence)
                } else {
                    inFlight[mid] = (message.sequence, MonotonicClock.now(), publisher.liveSince(message))
                }
            }
            guard !deliveredAtSend.isEmpty else { return }
            do {
                try journal.markDelivered(deliveredAtSend)
                if options.qos == 0 { publisher.stats.withLock { $0.acknowledged += deliveredAtSend.count } }
            } catch {
                journalFailed(error, doing: "mark delivered in")
            }
        }

        /// The safety net: messages unacknowledged for long on a live connection are read
        /// from the journal and sent again (duplicates are de-duplicated by receivers).
        mutating func resendIfStuck(now: UInt64) {
            guard let oldest = inFlight.values.map(\.sentAt).min(),
                  now > oldest + nanoseconds(options.resendAfterSeconds) else { return }
            publisher.logger.warning("messages unacknowledged for too long; sending them again from the journal",
                                     ["in_flight": "\(inFlight.count)", "after_s": "\(options.resendAfterSeconds)"])
            inFlight.removeAll()
            lastSent = 0
        }

        mutating func applySpoolBound(_ journal: Journal) {
            let dropped: Int
            do {
                dropped = try journal.trimOutbox(keepingNewest: options.spoolLimit)
            } catch {
                journalFailed(error, doing: "apply the spool bound to")
                return
            }
            guard dropped > 0 else { return }
            let total = publisher.stats.withLock { stats -> Int in
                stats.lost += dropped
                return stats.lost
            }
            let message = "the MQTT spool is full; the oldest undelivered messages were dropped"
            publisher.logger.warning(message, ["dropped": "\(dropped)", "lost_total": "\(total)", "spool_limit": "\(options.spoolLimit)"])
            // Journalled on this connection with its own outbox message, so the loss is
            // published in order with the rest.
            let event = JournalEvent(kind: .drop, component: "mqtt", message: message,
                                     fields: ["dropped": "\(dropped)", "lost_total": "\(total)", "spool_limit": "\(options.spoolLimit)"])
            do {
                try journal.append([], events: [event], outbox: [.event])
            } catch {
                journalFailed(error, doing: "journal the drop in")
            }
        }

        mutating func lookAtBacklog(_ journal: Journal) {
            do {
                let backlog = try journal.pendingCount()
                let oldest = backlog > 0 ? try journal.pending(limit: 1).first?.createdAt : nil
                publisher.stats.withLock { stats in
                    stats.backlog = backlog
                    stats.oldestAgeSeconds = oldest.map { max(0, Date().timeIntervalSince($0)) }
                }
            } catch {
                journalFailed(error, doing: "count the outbox of")
            }
        }

        mutating func publishStatus(_ status: StatusMessage) {
            do {
                statusAcknowledged = false
                statusMid = try publisher.client.publish(topic: publisher.topics.status, payload: publisher.encoder.encode(status),
                                                         qos: 1, retain: true)
            } catch {
                publisher.logger.warning("the status could not be published", ["error": "\(error)"])
            }
        }

        /// Waits a little for what is in flight, says `offline`, disconnects.
        mutating func shutDown() {
            drainBeforeStop(until: MonotonicClock.now() + nanoseconds(options.stopSeconds))
            if publisher.client.isConnected {
                // The last counters carry the final totals.
                reporter?.publishCounters(publisher: publisher)
                publishStatus(publisher.status.offline(.stopped))
                waitForAcknowledgements(until: MonotonicClock.now() + nanoseconds(options.stopSeconds)) { $0.statusAcknowledged }
            }
            publisher.client.stop()
            if !inFlight.isEmpty {
                publisher.logger.info("messages still unacknowledged at stop stay in the outbox for the next run",
                                      ["count": "\(inFlight.count)"])
            }
        }

        /// At a clean stop: sends what the outbox still holds (the line's last parts and its
        /// `line stopped` event, committed just before the stop) and waits for their
        /// acknowledgements, until `deadline`; what is left stays owed to the next run.
        mutating func drainBeforeStop(until deadline: UInt64) {
            while publisher.client.isConnected, MonotonicClock.now() < deadline, let journal = openJournal() {
                fillWindow(from: journal)
                if inFlight.isEmpty { return }
                let mail = publisher.mailbox.take(waitingUntil: min(deadline, MonotonicClock.now() + 50_000_000))
                acknowledge(mail.acknowledgements, in: journal)
            }
        }

        mutating func waitForAcknowledgements(until deadline: UInt64, done: (Drain) -> Bool) {
            while !done(self), publisher.client.isConnected, MonotonicClock.now() < deadline {
                let mail = publisher.mailbox.take(waitingUntil: min(deadline, MonotonicClock.now() + 50_000_000))
                if let journal { acknowledge(mail.acknowledgements, in: journal) }
            }
        }

        func nanoseconds(_ seconds: Double) -> UInt64 {
            UInt64(max(0, seconds) * 1_000_000_000)
        }
    }

    /// The verdict's time of a result about to be sent live; nil for events and late results.
    fileprivate func liveSince(_ message: OutboxMessage) -> Date? {
        guard case .part(let part) = message.payload,
              Date().timeIntervalSince(part.decidedAt) <= options.historicalAfterSeconds else { return nil }
        return part.decidedAt
    }

    /// Hands a counters or health message to the client; false when it could not.
    func publishState(topic: String, payload: [UInt8], retain: Bool) -> Bool {
        do {
            try client.publish(topic: topic, payload: payload, qos: 1, retain: retain)
            return true
        } catch {
            logger.debug("\(error)")
            return false
        }
    }

    /// The topic and payload of an outbox message.
    private func encode(_ message: OutboxMessage) throws -> (String, [UInt8]) {
        let now = Date()
        switch message.payload {
        case .part(let part):
            let historical = now.timeIntervalSince(part.decidedAt) > options.historicalAfterSeconds
            return (topics.result, try encoder.encode(ResultMessage(part: part, line: status.line, station: status.station,
                                                                    historical: historical, sentAt: now)))
        case .reject(let row):
            return (topics.reject, try encoder.encode(RejectOutcomeMessage(partID: row.id.rawValue, outcome: row.outcome.rawValue,
                                                                           timingErrorMs: row.timingErrorMs, at: message.createdAt,
                                                                           line: status.line, station: status.station)))
        case .event(let event):
            return (topics.event, try encoder.encode(EventMessage(eventID: event.id ?? message.sequence, at: event.at,
                                                                  kind: event.kind.rawValue, component: event.component,
                                                                  message: event.message, fields: event.fields,
                                                                  line: status.line, station: status.station)))
        case .explanation(let record):
            return (topics.explanation, try encoder.encode(ExplanationMessage(record, line: status.line, station: status.station)))
        }
    }
}
