import Capture
import Dispatch
import EagleLog
import Foundation
import Inspection
import Publish
import Synchronization

/// The appliance as a Sparkplug B 3.0 edge node (docs/mqtt.md, "Sparkplug B"): NBIRTH with
/// every metric, one NDATA per part and for changed counters, NDEATH as the will.
///
/// - Its own MQTT connection (`sparkplug` network thread), because its will is the NDEATH, and
///   its own thread (`sparkplug`) with its own journal connection. The line never waits on it:
///   the journal's commit hook only calls ``wake()``.
/// - Parts come from the journal's `parts` table through the node's own cursor (a `meta` row,
///   the highest part id written to the broker), not from the JSON outbox: the two publishers
///   never disturb each other, and the node needs no outbox rows. On a journal it has never
///   published from, the cursor starts at the newest part when the node is made: history is
///   not replayed.
/// - `bdSeq`: +1 for every accepted MQTT session, kept in the journal across restarts; the
///   will and the session's NBIRTH carry the same value.
/// - With a primary host, the births wait for its STATE `online`; while it is offline (or the
///   broker is away) parts wait in the journal and are sent after the next NBIRTH, in order,
///   with `is_historical`.
public final class SparkplugNode: @unchecked Sendable {
    public let topics: SparkplugTopics
    public let options: Options
    private let journalPath: String
    private let metrics: SparkplugNodeMetrics
    private let snapshot: @Sendable () -> SparkplugLineSnapshot
    private let logger: Logger
    private let mailbox: SparkplugMailbox
    private let sessions: SessionSequence
    private let client: MQTTClient
    private let stats = Mutex(Counters())
    private let finished = DispatchSemaphore(value: 0)
    private let started = Mutex(false)

    /// Prepares the node: reads the last bdSeq from the journal and takes the next one for the
    /// first session's will. Nothing connects until ``start()``.
    ///
    /// - Parameters:
    ///   - client: the broker connection; its will is set here to the NDEATH.
    ///   - snapshot: the line's counters and health, read on the node's thread.
    public init(journalPath: String, client clientOptions: MQTTClientOptions, identity: SparkplugNodeMetrics.Identity,
                options: Options, snapshot: @escaping @Sendable () -> SparkplugLineSnapshot, logger: Logger) throws {
        let topics = SparkplugTopics(groupID: options.groupID, edgeNodeID: options.edgeNodeID)
        let sessions = SessionSequence(journalPath: journalPath, logger: logger)
        var clientOptions = clientOptions
        clientOptions.will = Self.will(topics: topics, bdSeq: sessions.current)
        let mailbox = SparkplugMailbox()
        let box = ClientBox()
        let client = try MQTTClient(options: clientOptions, handlers: MQTTClientHandlers(
            connected: {
                sessions.connected()
                mailbox.connected()
            },
            disconnected: { error in
                // On the network thread, before any reconnect: a session that was accepted
                // used its bdSeq up, and the next CONNECT carries a will with the next one.
                // A clean stop (nil) reconnects no more: the next start takes the next one.
                if error != nil, let next = sessions.advanceIfUsed(), let client = box.client {
                    do {
                        try client.setWill(Self.will(topics: topics, bdSeq: next))
                    } catch {
                        logger.error("the Sparkplug NDEATH will could not be updated", ["error": "\(error)"])
                    }
                }
                mailbox.disconnected()
            },
            published: { mid, _ in mailbox.acknowledged(mid: mid) },
            message: { topic, payload in mailbox.received(topic: topic, payload: payload) }
        ), logger: logger)
        box.client = client
        self.client = client
        self.sessions = sessions
        self.mailbox = mailbox
        self.topics = topics
        self.options = options
        self.journalPath = journalPath
        self.metrics = SparkplugNodeMetrics(identity: identity)
        self.snapshot = snapshot
        self.logger = logger
        stats.withLock { $0.bdSeq = sessions.current }
    }

    /// Connects and starts publishing.
    public func start() {
        let first = started.withLock { started -> Bool in
            defer { started = true }
            return !started
        }
        guard first else { return }
        client.start()
        let thread = Thread { [self] in
            Thread.current.name = "sparkplug"
            var session = Session(node: self)
            session.run()
            finished.signal()
        }
        thread.start()
    }

    /// New parts are in the journal: called from the journal's commit hook, returns at once.
    public func wake() {
        mailbox.wake()
    }

    /// Waits up to ``Options/stopSeconds`` for outstanding writes, publishes the NDEATH (a clean
    /// disconnect drops the will, so the node says it itself), disconnects and ends the thread.
    public func stop() {
        guard started.withLock({ $0 }) else { return }
        mailbox.stop()
        finished.wait()
    }

    public var counters: Counters {
        var counters = stats.withLock { $0 }
        counters.connected = client.isConnected
        counters.bdSeq = sessions.current
        return counters
    }

    static func will(topics: SparkplugTopics, bdSeq: UInt64) -> MQTTClientOptions.Will {
        let death = SparkplugNodeMetrics.death(bdSeq: bdSeq, at: SparkplugNodeMetrics.milliseconds(Date()))
        return MQTTClientOptions.Will(topic: topics.nodeDeath, payload: death.encoded(), qos: 1, retain: false)
    }

    // MARK: - The node's thread

    /// The node's thread state: only that thread touches it.
    private struct Session {
        let node: SparkplugNode
        var journal: Journal?
        var journalProblem: String?
        var connection = 0
        var connected = false
        /// Whether the NBIRTH of the current connection is out (data may follow).
        var born = false
        var rebirthAsked = false
        var hostOnline: Bool
        var hostStateTime: UInt64 = 0
        var sequence = SparkplugSequence()
        /// The highest part id confirmed written; persisted.
        var cursor = PartID(rawValue: 0)
        /// The highest part id handed to the client.
        var lastSent = PartID(rawValue: 0)
        /// Parts decided up to this id when the session's NBIRTH went out are sent historical.
        var liveAfter = PartID(rawValue: 0)
        /// Part NDATA handed to libmosquitto and not yet written: message id to part id.
        var inFlight: [Int32: PartID] = [:]
        var lastSnapshot: SparkplugLineSnapshot?
        var nextCounters: UInt64 = 0
        var nextBacklogCheck: UInt64 = 0
        var deathMid: Int32?
        var deathWritten = false

        var options: Options { node.options }

        init(node: SparkplugNode) {
            self.node = node
            hostOnline = node.options.primaryHostID == nil
        }

        mutating func run() {
            while true {
                let mail = node.mailbox.take(waitingUntil: MonotonicClock.now() + nanoseconds(options.pollSeconds))
                guard let journal = openJournal() else {
                    if mail.stopping { break }
                    continue
                }
                confirm(mail.acknowledgements, in: journal)
                if mail.stopping { break }
                if mail.connection != connection, mail.connected {
                    connection = mail.connection
                    beginSession()
                }
                connected = mail.connected
                if !connected { born = false }
                for message in mail.messages { receive(message.topic, message.payload) }
                guard connected else { continue }
                if hostOnline, !born || rebirthAsked { publishBirth(journal) }
                guard born else { continue }
                sendParts(from: journal)
                let now = MonotonicClock.now()
                if now >= nextCounters {
                    nextCounters = now + nanoseconds(options.countersIntervalSeconds)
                    sendCounters()
                }
            }
            shutDown()
        }

        mutating func openJournal() -> Journal? {
            if let journal { return journal }
            do {
                let opened = try Journal(path: node.journalPath)
                // Set by SessionSequence before the line started; without it, the journal was
                // not there yet, and all it holds is of this run.
                cursor = try opened.sparkplugPartCursor() ?? PartID(rawValue: 0)
                lastSent = cursor
                journal = opened
                if journalProblem != nil {
                    node.logger.notice("the Sparkplug node reads the journal again", ["journal": node.journalPath])
                    journalProblem = nil
                }
            } catch {
                if journalProblem != "\(error)" {
                    node.logger.error("the Sparkplug node cannot open the journal; retrying", ["error": "\(error)"])
                    journalProblem = "\(error)"
                }
            }
            return journal
        }

        mutating func journalFailed(_ error: any Error, doing what: String) {
            node.logger.error("the Sparkplug node could not \(what) the journal; retrying", ["error": "\(error)"])
            journalProblem = "\(error)"
            journal = nil
        }

        /// A new MQTT session: subscribe to commands (before any birth) and the host's STATE.
        mutating func beginSession() {
            born = false
            rebirthAsked = false
            // QoS 0 NDATA not written before the connection went are gone: send them again.
            inFlight.removeAll()
            lastSent = cursor
            hostOnline = options.primaryHostID == nil
            do {
                try node.client.subscribe(node.topics.nodeCommand, qos: 0)
                if let host = options.primaryHostID {
                    try node.client.subscribe(SparkplugTopics.hostState(host), qos: 1)
                }
            } catch {
                node.logger.warning("\(error)")
            }
            node.stats.withLock { $0.hostOnline = hostOnline }
        }

        mutating func receive(_ topic: String, _ payload: [UInt8]) {
            if topic == node.topics.nodeCommand {
                receiveCommand(payload)
            } else if let host = options.primaryHostID, topic == SparkplugTopics.hostState(host) {
                receiveHostState(payload, host: host)
            }
        }

        mutating func receiveCommand(_ bytes: [UInt8]) {
            let payload: SparkplugPayload
            do {
                payload = try SparkplugPayload(decoding: bytes)
            } catch {
                node.logger.warning("an NCMD could not be read; ignored", ["error": "\(error)"])
                return
            }
            let rebirth = SparkplugNodeMetrics.rebirth
            for metric in payload.metrics where metric.name == rebirth.name || metric.alias == rebirth.alias {
                guard metric.value == .boolean(true) else { continue }
                node.logger.notice("a Sparkplug host asked for a rebirth")
                node.stats.withLock { $0.rebirths += 1 }
                if born { rebirthAsked = true }
            }
        }

        mutating func receiveHostState(_ bytes: [UInt8], host: String) {
            let state: SparkplugHostState
            do {
                state = try SparkplugHostState(decoding: bytes)
            } catch {
                node.logger.warning("\(error); ignored", ["host": host])
                return
            }
            // A STATE older than the last one seen is a stale retained copy.
            guard state.timestamp >= hostStateTime else { return }
            hostStateTime = state.timestamp
            let was = hostOnline
            hostOnline = state.online
            node.stats.withLock { $0.hostOnline = state.online }
            guard was != state.online else { return }
            node.logger.notice(state.online ? "the Sparkplug primary host is online" : "the Sparkplug primary host is offline; parts are stored until it returns",
                               ["host": host])
            if !state.online, born {
                // End the session as the specification asks: NDEATH, then a new connection
                // (with the next bdSeq in its will) that waits for the host again. MQTT 5 lets
                // the broker publish the will itself; under 3.1.1 the node says it first.
                if node.client.options.protocolVersion == .v311 { publishDeath() }
                born = false
                node.client.dropConnection(publishingWill: true)
            }
        }

        mutating func publishBirth(_ journal: Journal) {
            let newest: Part?
            do {
                liveAfter = try journal.partIDHighWater()
                newest = try journal.part(liveAfter)
            } catch {
                journalFailed(error, doing: "read the newest part from")
                return
            }
            let birth = node.metrics.birth(bdSeq: node.sessions.current, lastPart: newest, snapshot: node.snapshot(),
                                           at: SparkplugNodeMetrics.milliseconds(Date()))
            do {
                try node.client.publish(topic: node.topics.nodeBirth, payload: birth.encoded(), qos: 0, retain: false)
            } catch {
                node.logger.warning("\(error)")
                return
            }
            _ = sequence.birth()
            born = true
            rebirthAsked = false
            lastSnapshot = nil
            nextCounters = MonotonicClock.now() + nanoseconds(options.countersIntervalSeconds)
            let births = node.stats.withLock { stats -> Int in
                stats.births += 1
                return stats.births
            }
            node.logger.info("Sparkplug NBIRTH published", ["bd_seq": "\(node.sessions.current)", "births": "\(births)",
                                                            "backlog_until": "\(liveAfter)"])
        }

        mutating func sendParts(from journal: Journal) {
            let room = options.window - inFlight.count
            guard room > 0 else { return }
            applySpoolBound(journal)
            let parts: [Part]
            do {
                parts = try journal.parts(after: lastSent, limit: room)
            } catch {
                journalFailed(error, doing: "read parts from")
                return
            }
            let now = SparkplugNodeMetrics.milliseconds(Date())
            for part in parts {
                let historical = part.id <= liveAfter
                let payload = node.metrics.data(part: part, historical: historical, seq: sequence.next, at: now)
                let mid: Int32
                do {
                    mid = try node.client.publish(topic: node.topics.nodeData, payload: payload.encoded(), qos: 0, retain: false)
                } catch {
                    // The connection went between the check and the send: the next session resumes here.
                    node.logger.warning("\(error)", ["part_id": "\(part.id)"])
                    break
                }
                _ = sequence.take()
                lastSent = part.id
                inFlight[mid] = part.id
                node.stats.withLock { stats in
                    stats.partsSent += 1
                    if historical { stats.historicalSent += 1 }
                }
            }
        }

        /// Parts waiting beyond the spool bound are skipped, oldest first: counted and logged.
        mutating func applySpoolBound(_ journal: Journal) {
            let now = MonotonicClock.now()
            guard now >= nextBacklogCheck else { return }
            nextBacklogCheck = now + 10_000_000_000
            do {
                let waiting = try journal.partCount(after: cursor)
                guard waiting > options.spoolLimit else { return }
                let skipped = waiting - options.spoolLimit
                let keep = try journal.parts(after: cursor, limit: skipped)
                guard let last = keep.last?.id else { return }
                cursor = last
                lastSent = max(lastSent, last)
                try journal.setSparkplugPartCursor(cursor)
                let total = node.stats.withLock { stats -> Int in
                    stats.lost += skipped
                    return stats.lost
                }
                node.logger.warning("the Sparkplug backlog is over its bound; the oldest parts are skipped",
                                    ["skipped": "\(skipped)", "lost_total": "\(total)", "spool_limit": "\(options.spoolLimit)"])
            } catch {
                journalFailed(error, doing: "apply the spool bound to")
            }
        }

        mutating func sendCounters() {
            let snapshot = node.snapshot()
            var sequence = self.sequence
            let payload = node.metrics.data(snapshot: snapshot, previous: lastSnapshot, seq: { sequence.take() },
                                            at: SparkplugNodeMetrics.milliseconds(Date()))
            guard let payload else { return }
            do {
                try node.client.publish(topic: node.topics.nodeData, payload: payload.encoded(), qos: 0, retain: false)
                self.sequence = sequence
                lastSnapshot = snapshot
            } catch {
                node.logger.warning("\(error)")
            }
        }

        /// Written confirmations (QoS 0: on the socket) advance the persisted cursor.
        mutating func confirm(_ mids: [Int32], in journal: Journal) {
            var highest: PartID?
            for mid in mids {
                if mid == deathMid { deathWritten = true }
                guard let id = inFlight.removeValue(forKey: mid) else { continue }
                highest = max(highest ?? id, id)
            }
            // Messages of one connection are written in order: everything below is written too.
            guard let highest, highest > cursor else { return }
            cursor = highest
            do {
                try journal.setSparkplugPartCursor(cursor)
            } catch {
                journalFailed(error, doing: "keep the Sparkplug cursor in")
            }
        }

        mutating func publishDeath() {
            let death = SparkplugNodeMetrics.death(bdSeq: node.sessions.current, at: SparkplugNodeMetrics.milliseconds(Date()))
            do {
                deathWritten = false
                deathMid = try node.client.publish(topic: node.topics.nodeDeath, payload: death.encoded(), qos: 1, retain: false)
            } catch {
                node.logger.warning("the NDEATH could not be published", ["error": "\(error)"])
            }
        }

        /// Sends what the journal still holds (for up to ``Options/stopSeconds``), says NDEATH,
        /// disconnects. What is not written stays behind the cursor for the next run.
        mutating func shutDown() {
            let deadline = MonotonicClock.now() + nanoseconds(options.stopSeconds)
            while born, node.client.isConnected, MonotonicClock.now() < deadline, let journal {
                sendParts(from: journal)
                let waiting = (try? journal.partCount(after: lastSent)) ?? 0
                if waiting == 0, inFlight.isEmpty { break }
                let mail = node.mailbox.take(waitingUntil: min(deadline, MonotonicClock.now() + 50_000_000))
                confirm(mail.acknowledgements, in: journal)
            }
            if node.client.isConnected, born {
                publishDeath()
                waitForConfirmations(until: MonotonicClock.now() + nanoseconds(options.stopSeconds)) { $0.deathWritten }
            }
            node.client.stop()
            let counters = node.stats.withLock { $0 }
            node.logger.info("Sparkplug node stopped", [
                "births": "\(counters.births)", "parts_sent": "\(counters.partsSent)", "historical": "\(counters.historicalSent)",
                "rebirths": "\(counters.rebirths)", "lost": "\(counters.lost)", "bd_seq": "\(node.sessions.current)",
                "unsent": "\((try? journal?.partCount(after: cursor)) ?? 0)",
            ])
        }

        mutating func waitForConfirmations(until deadline: UInt64, done: (Session) -> Bool) {
            while !done(self), node.client.isConnected, MonotonicClock.now() < deadline {
                let mail = node.mailbox.take(waitingUntil: min(deadline, MonotonicClock.now() + 50_000_000))
                if let journal { confirm(mail.acknowledgements, in: journal) }
            }
        }

        func nanoseconds(_ seconds: Double) -> UInt64 {
            UInt64(max(0, seconds) * 1_000_000_000)
        }
    }
}

/// Lets the client's handlers reach the client they belong to (made after them); weak, or the
/// client would keep itself alive through its own handlers.
private final class ClientBox: @unchecked Sendable {
    weak var client: MQTTClient?
}

/// The node's bdSeq across sessions and restarts, kept in the journal's `meta` table. Used from
/// the MQTT network thread (on every disconnect) and read by the node's thread; its own journal
/// connection, under a lock.
final class SessionSequence: @unchecked Sendable {
    private let lock = NSLock()
    private let journal: Journal?
    private var value: UInt64
    private var used = false

    /// Takes the bdSeq after the journal's last one for this run's first session, and keeps it.
    /// On a journal the node has never published from, sets its part cursor to the newest part
    /// now, before the line starts: history is not replayed, and nothing of this run is missed.
    ///
    /// A journal that cannot be opened yet (the writer retries a missing directory on its own)
    /// does not stop the line: the node starts at bdSeq 0, says so, and reads parts once the
    /// journal is there.
    init(journalPath: String, logger: Logger) {
        var opened: Journal?
        var value: UInt64 = 0
        do {
            let journal = try Journal(path: journalPath)
            value = SparkplugBirthDeathSequence.after(try journal.sparkplugBirthDeathSequence())
            try journal.setSparkplugBirthDeathSequence(value)
            if try journal.sparkplugPartCursor() == nil {
                try journal.setSparkplugPartCursor(try journal.partIDHighWater())
            }
            opened = journal
        } catch {
            logger.warning("the Sparkplug bdSeq cannot be kept in the journal; this run starts at 0", ["error": "\(error)"])
        }
        self.journal = opened
        self.value = value
    }

    /// The current session's bdSeq.
    var current: UInt64 { lock.withLock { value } }

    /// The broker accepted a session with the current bdSeq.
    func connected() {
        lock.withLock { used = true }
    }

    /// After a session that the broker accepted, moves to the next bdSeq, keeps it, and returns
    /// it; nil when the current one was never used (a failed connect sends no will to rotate).
    func advanceIfUsed() -> UInt64? {
        lock.withLock {
            guard used else { return nil }
            used = false
            value = SparkplugBirthDeathSequence.after(value)
            // Should the write fail, the next start would take this value again for a new
            // session: a host sees a repeated bdSeq after a restart, which it tolerates
            // (it pairs each NDEATH with the latest NBIRTH).
            try? journal?.setSparkplugBirthDeathSequence(value)
            return value
        }
    }
}
