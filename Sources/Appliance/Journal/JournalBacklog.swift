import Actuate
import Inspection

/// The writer's queue: records submitted and not yet committed, oldest first, bounded.
///
/// Parts are essential: a part is never dropped, and when the queue is full its submitter
/// waits. Events are not: to make room, the oldest queued event goes (counted by the caller).
/// The batch being written stays at the head until it commits, so a failed batch is retried
/// with everything else, in order, and the bound covers what waits for a retry too.
struct JournalBacklog {
    enum Record {
        case part(Part)
        case event(JournalEvent)
        /// A part's end at the reject actuator, set on its row.
        case rejectResult(RejectResult)

        /// Whether the record may be dropped to make room (events and actuator outcomes; the
        /// reject counters keep every outcome).
        var isEvent: Bool {
            if case .part = self { return false }
            return true
        }
    }

    /// A record with its place in submission order.
    struct Entry {
        let ticket: UInt64
        let record: Record
    }

    /// What happened to an offered record.
    enum Offer: Equatable {
        /// Queued; `droppedEvent` says an older event went to make room.
        case queued(droppedEvent: Bool)
        /// Not queued: the queue is full of parts and the batch in flight (parts only).
        case full
        /// An event not queued because the queue is full of parts and the batch in flight.
        case droppedItself
    }

    let capacity: Int
    private(set) var entries: [Entry] = []
    /// Entries at the head handed to the writer and not yet committed.
    private(set) var inFlight = 0
    /// The ticket of the last record accepted.
    private(set) var lastTicket: UInt64 = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// Queues `part` if there is room or an event to drop for it.
    mutating func offer(_ part: Part) -> Offer {
        let dropped = entries.count >= capacity
        if dropped && !dropOldestEvent() { return .full }
        append(.part(part))
        return .queued(droppedEvent: dropped)
    }

    /// Queues `event`, dropping the oldest queued event when full (possibly this one).
    mutating func offer(_ event: JournalEvent) -> Offer {
        let dropped = entries.count >= capacity
        if dropped && !dropOldestEvent() { return .droppedItself }
        append(.event(event))
        return .queued(droppedEvent: dropped)
    }

    /// Queues a reject outcome like an event: dropped, oldest first, rather than waited for.
    mutating func offer(_ result: RejectResult) -> Offer {
        let dropped = entries.count >= capacity
        if dropped && !dropOldestEvent() { return .droppedItself }
        append(.rejectResult(result))
        return .queued(droppedEvent: dropped)
    }

    /// Hands the oldest `limit` records to the writer; they stay queued until ``commit()``.
    mutating func takeBatch(limit: Int) -> [Record] {
        inFlight = min(max(1, limit), entries.count)
        return entries[..<inFlight].map(\.record)
    }

    /// The batch handed out is committed: it leaves the queue.
    mutating func commit() {
        entries.removeFirst(inFlight)
        inFlight = 0
    }

    /// The batch handed out failed: it stays at the head for the next attempt.
    mutating func abandonBatch() {
        inFlight = 0
    }

    /// Gives up everything queued (the writer is closing and cannot write); returns the parts.
    mutating func removeAll() -> [Part] {
        defer {
            entries = []
            inFlight = 0
        }
        return entries.compactMap { if case .part(let part) = $0.record { part } else { nil } }
    }

    /// Whether every record up to `ticket` has left the queue.
    func isSettled(through ticket: UInt64) -> Bool {
        guard let first = entries.first else { return true }
        return first.ticket > ticket
    }

    private mutating func append(_ record: Record) {
        lastTicket += 1
        entries.append(Entry(ticket: lastTicket, record: record))
    }

    /// Drops the oldest event not in the batch in flight; false when there is none.
    private mutating func dropOldestEvent() -> Bool {
        guard let index = entries[inFlight...].firstIndex(where: { $0.record.isEvent }) else { return false }
        entries.remove(at: index)
        return true
    }
}
