import Actuate
import Foundation
import Inspection
import XCTest

@testable import Appliance

final class OutboxTests: XCTestCase {
    private func journal() throws -> Journal {
        try Journal(path: try journalDirectory().appendingPathComponent("journal.sqlite").path)
    }

    private func event(_ n: Int) -> JournalEvent {
        JournalEvent(at: UTCTimestamp.date(milliseconds: SampleParts.start + Int64(n)), kind: .drop, component: "capture",
                     message: "frames dropped", fields: ["count": "\(n)"])
    }

    func testMessagesComeOutInCommitOrderWithTheirRecords() throws {
        let journal = try journal()
        let now = UTCTimestamp.date(milliseconds: SampleParts.start)
        try journal.append(SampleParts.parts(1...2), events: [event(1)], outbox: [.part, .event], at: now)
        try journal.append(SampleParts.parts(3...3), outbox: [.part], at: now)
        try journal.append(SampleParts.parts(4...4), events: [event(2)], outbox: [.event], at: now)
        let pending = try journal.pending(limit: 10)
        XCTAssertEqual(pending.map(\.sequence), [1, 2, 3, 4, 5])
        XCTAssertEqual(pending.map(\.topic), [.part, .part, .event, .part, .event])
        XCTAssertEqual(pending[0].payload, .part(SampleParts.part(1)))
        XCTAssertEqual(pending[3].payload, .part(SampleParts.part(3)))
        guard case .event(let stored) = pending[4].payload else { return XCTFail("\(pending[4])") }
        XCTAssertEqual(stored.id, 2)
        XCTAssertEqual(stored.fields, ["count": "2"])
        XCTAssertEqual(pending[0].createdAt, now)
        XCTAssertEqual(try journal.pending(limit: 2).map(\.sequence), [1, 2])
        XCTAssertEqual(try journal.pendingCount(), 5)
    }

    /// A part's outcome at the actuator gets its own message, after the part's, carrying what
    /// the row holds; an outcome before its row, or with `.reject` not asked for, queues none.
    func testRejectOutcomesQueueAMessageReferencingTheirPart() throws {
        let journal = try journal()
        let now = UTCTimestamp.date(milliseconds: SampleParts.start)
        let later = UTCTimestamp.date(milliseconds: SampleParts.start + 900)
        try journal.append(SampleParts.parts(1...3), outbox: [.part, .reject], at: now)
        let appended = try journal.append([], outbox: [.part, .reject], rejectResults: [
            RejectResult(id: PartID(rawValue: 2), outcome: .passed),
            RejectResult(id: PartID(rawValue: 1), outcome: .rejected, timingErrorNanoseconds: 1_250_000),
            RejectResult(id: PartID(rawValue: 7), outcome: .failSafeRejected, timingErrorNanoseconds: 300_000),
        ], at: later)
        XCTAssertEqual(appended.rejectResults.map(\.id.rawValue), [2, 1])
        XCTAssertEqual(appended.unmatchedRejectResults.map(\.id.rawValue), [7])
        // Without `.reject` (no publisher) the outcome is journalled and nothing is queued.
        try journal.append([], outbox: [.part, .event], rejectResults: [RejectResult(id: PartID(rawValue: 3), outcome: .missed)])

        let pending = try journal.pending(limit: 10)
        XCTAssertEqual(pending.map(\.topic), [.part, .part, .part, .reject, .reject])
        XCTAssertEqual(pending[3].payload, .reject(Journal.RejectOutcomeRow(id: PartID(rawValue: 2), outcome: .passed)))
        XCTAssertEqual(pending[4].payload, .reject(Journal.RejectOutcomeRow(id: PartID(rawValue: 1), outcome: .rejected,
                                                                            timingErrorMs: 1.25)))
        XCTAssertEqual(pending[4].createdAt, later)
        XCTAssertEqual(try journal.rejectOutcomes().map(\.outcome), [.rejected, .passed, .missed])

        // Delivering the result leaves the outcome owed, and the other way round.
        try journal.markDelivered([pending[0].sequence, pending[4].sequence])
        XCTAssertEqual(try journal.pending(limit: 10).map(\.topic), [.part, .part, .reject])
    }

    /// The table refuses a `reject` message that points at anything but a part.
    func testARejectMessageMustReferenceAPart() throws {
        let journal = try journal()
        try journal.append([], events: [event(1)], outbox: [.event])
        XCTAssertThrowsError(try journal.database.execute("INSERT INTO outbox (topic, event_id, created_at) VALUES ('reject', 1, 'x')"))
        XCTAssertThrowsError(try journal.database.execute("INSERT INTO outbox (topic, part_id, created_at) VALUES ('event', 1, 'x')"))
    }

    /// The writer asks for the next part id, then the publisher's own connection marks messages
    /// delivered: the writer's next commit must still go through (no read left open on it).
    func testAPublisherConnectionDoesNotLockTheWriterOut() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let writer = try Journal(path: path)
        try writer.append(SampleParts.parts(1...2), outbox: [.part])
        XCTAssertEqual(try writer.nextPartID(), PartID(rawValue: 3))
        XCTAssertEqual(try writer.parts().count, 2)
        let publisher = try Journal(path: path)
        XCTAssertEqual(try publisher.markDelivered([1]), 1)
        XCTAssertNoThrow(try writer.append(SampleParts.parts(3...3), outbox: [.part]))
        XCTAssertEqual(try publisher.pendingCount(), 2)
    }

    func testDeliveredMessagesLeaveTheQueueOnce() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...5), outbox: [.part])
        XCTAssertEqual(try journal.markDelivered([1, 3]), 2)
        XCTAssertEqual(try journal.markDelivered([3, 99]), 0, "again, or unknown: nothing to mark")
        XCTAssertEqual(try journal.pending(limit: 10).map(\.sequence), [2, 4, 5])
        // Delivery is kept for the record, with its time.
        let row = try journal.database.prepare("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL")
        XCTAssertTrue(try row.step())
        XCTAssertEqual(row.int(0), 2)
        // The reader's view survives a reopen (a restart of the publisher).
        XCTAssertEqual(try Journal(path: journal.path, access: .readOnly).pending(limit: 10).map(\.sequence), [2, 4, 5])
    }

    func testTheBoundDropsTheOldestUndeliveredAndCountsThem() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...10), outbox: [.part])
        try journal.markDelivered([1, 2])
        XCTAssertEqual(try journal.trimOutbox(keepingNewest: 5), 3) // 3, 4, 5 go; 6...10 stay
        XCTAssertEqual(try journal.pending(limit: 100).map(\.sequence), [6, 7, 8, 9, 10])
        XCTAssertEqual(try journal.outboxDropped(), 3)
        XCTAssertEqual(try journal.trimOutbox(keepingNewest: 5), 0)
        XCTAssertEqual(try journal.trimOutbox(keepingNewest: 0), 5)
        XCTAssertEqual(try journal.outboxDropped(), 8)
        XCTAssertEqual(try journal.partCount(), 10, "the records stay; only their publication is given up")
        try journal.append(SampleParts.parts(11...11), outbox: [.part])
        XCTAssertEqual(try journal.pending(limit: 10).map(\.sequence), [11], "sequence numbers are never reused")
    }

    func testAMessageWhoseRecordWasDeletedByHandDoesNotStallTheQueue() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...4), outbox: [.part])
        try journal.database.execute("DELETE FROM parts WHERE id IN (1, 2)")
        XCTAssertEqual(try journal.pending(limit: 2).map(\.sequence), [3, 4])
    }
}
