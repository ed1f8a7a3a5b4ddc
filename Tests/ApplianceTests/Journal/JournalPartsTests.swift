import Foundation
import Actuate
import Inspection
import Storage
import XCTest

@testable import Appliance

final class JournalPartsTests: XCTestCase {
    private func journal() throws -> Journal {
        try Journal(path: try journalDirectory().appendingPathComponent("journal.sqlite").path)
    }

    func testAThousandPartsRoundTripWithEveryField() throws {
        let journal = try journal()
        let parts = SampleParts.parts(1...1_000)
        let appended = try journal.append(parts)
        XCTAssertEqual(appended.parts.count, 1_000)
        XCTAssertTrue(appended.duplicates.isEmpty)
        let reader = try Journal(path: journal.path, access: .readOnly)
        let read = try reader.parts()
        XCTAssertEqual(read.count, 1_000)
        for (written, back) in zip(parts, read) where written != back {
            return XCTFail("part \(written.id) changed:\n\(written)\n\(back)")
        }
        XCTAssertEqual(try reader.part(PartID(rawValue: 5)), parts[4])
        XCTAssertNil(try reader.part(PartID(rawValue: 5_000)))
        XCTAssertEqual(try reader.partCount(), 1_000)
    }

    func testColumnsAreQueryableWithPlainSQL() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...10))
        let row = try journal.database.prepare("""
            SELECT count(*), sum(box_count), min(decided_at), max(json_array_length(boxes)) FROM parts WHERE action = 'reject'
            """)
        XCTAssertTrue(try row.step())
        XCTAssertEqual(row.int(0), 6) // ids 1, 2, 3, 6, 7, 8: reject, unsure (rejected) and not inspected
        XCTAssertEqual(row.int(1), 2 + 1 + 1 + 1) // boxes of 1, 2, 6, 7
        XCTAssertEqual(row.text(2), UTCTimestamp.string(SampleParts.time(1)))
        XCTAssertEqual(row.int(3), 2)
    }

    func testTheRejectOutcomeJoinsThePartRow() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...3), rejectResults: [
            RejectResult(id: PartID(rawValue: 1), outcome: .rejected, timingErrorNanoseconds: 1_250_000),
            RejectResult(id: PartID(rawValue: 3), outcome: .failSafeRejected, timingErrorNanoseconds: -500_000, cause: "undecided"),
        ])
        // An outcome of an earlier batch's part, and one for a part not (yet) in the journal.
        try journal.append([], rejectResults: [RejectResult(id: PartID(rawValue: 2), outcome: .passed),
                                                RejectResult(id: PartID(rawValue: 9), outcome: .missed)])
        let rows = try journal.database.prepare("SELECT id, reject_outcome, reject_error_ms FROM parts ORDER BY id")
        var found: [String] = []
        while try rows.step() {
            found.append("\(rows.int(0)) \(rows.isNull(1) ? "-" : rows.text(1)) \(rows.isNull(2) ? "-" : String(rows.double(2)))")
        }
        XCTAssertEqual(found, ["1 rejected 1.25", "2 passed -", "3 fail_safe_rejected -0.5"])
        XCTAssertEqual(try journal.rejectOutcomes().map(\.outcome), [.rejected, .passed, .failSafeRejected])
        XCTAssertEqual(try journal.rejectOutcomes().first?.timingErrorMs, 1.25)
    }

    func testQueriesGiveTheNewestOldestFirst() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...100))
        XCTAssertEqual(try journal.parts(PartQuery(limit: 3)).map(\.id.rawValue), [98, 99, 100])
        XCTAssertEqual(try journal.parts(PartQuery(since: SampleParts.time(97))).map(\.id.rawValue), [97, 98, 99, 100])
        XCTAssertEqual(try journal.parts(PartQuery(since: SampleParts.time(90), limit: 2)).map(\.id.rawValue), [99, 100])
        XCTAssertEqual(try journal.parts(PartQuery(outcome: .reject, limit: 2)).map(\.id.rawValue), [91, 96])
        XCTAssertEqual(try journal.parts(PartQuery(outcome: .unsure, limit: 2)).map(\.id.rawValue), [92, 97])
        XCTAssertEqual(try journal.parts(PartQuery(outcome: .pass, limit: 2)).map(\.id.rawValue), [99, 100])
        XCTAssertEqual(try journal.parts(PartQuery(outcome: .notInspected, limit: 2)).map(\.id.rawValue), [93, 98])
        XCTAssertEqual(try journal.parts(PartQuery(action: .pass, limit: 3)).map(\.id.rawValue), [95, 99, 100])
        XCTAssertEqual(try journal.parts(PartQuery(outcome: .notInspected)).count, 20)
        XCTAssertEqual(try journal.parts(PartQuery(since: SampleParts.time(101))), [])
    }

    func testIdsContinueAfterTheHighestEverEvenWhenEverythingIsDeleted() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...50))
        XCTAssertEqual(try journal.nextPartID().rawValue, 51)
        try journal.database.execute("DELETE FROM parts")
        XCTAssertEqual(try journal.partCount(), 0)
        XCTAssertEqual(try journal.nextPartID().rawValue, 51)
        let reopened = try Journal(path: journal.path)
        XCTAssertEqual(try reopened.nextPartID().rawValue, 51)
        try reopened.append([SampleParts.part(70)])
        try reopened.database.execute("DELETE FROM parts WHERE id = 70")
        XCTAssertEqual(try reopened.nextPartID().rawValue, 71)
    }

    func testAReusedIdIsNotStoredAndTheFirstRecordStands() throws {
        let journal = try journal()
        try journal.append(SampleParts.parts(1...3))
        var impostor = SampleParts.part(2)
        impostor.recipe = "impostor"
        let result = try journal.append([impostor, SampleParts.part(4)], outbox: [.part])
        XCTAssertEqual(result.parts.map(\.id.rawValue), [4])
        XCTAssertEqual(result.duplicates, [impostor])
        XCTAssertEqual(try journal.part(PartID(rawValue: 2))?.recipe, "bottle")
        XCTAssertEqual(try journal.pending(limit: 10).count, 1, "no message for the refused part")
    }

    func testEventsKeepTheirFieldsAndGetIncreasingIds() throws {
        let journal = try journal()
        let at = UTCTimestamp.date(milliseconds: SampleParts.start)
        let events = [
            JournalEvent(at: at, kind: .health, component: "camera", message: "camera lost", fields: ["device": "/dev/video0", "reason": "ENODEV"]),
            JournalEvent(at: at.addingTimeInterval(1), kind: .modelLoaded, component: "expert", message: "model loaded", fields: [:]),
            JournalEvent(at: at.addingTimeInterval(2), kind: JournalEvent.Kind(rawValue: "custom"), component: "line", message: "x=\"y\""),
        ]
        let stored = try journal.append([], events: events).events
        XCTAssertEqual(stored.map(\.id), [1, 2, 3])
        XCTAssertEqual(try journal.events(), stored)
        XCTAssertEqual(try journal.events(limit: 1).map(\.id), [3])
        XCTAssertEqual(try journal.events(since: at.addingTimeInterval(1)).map(\.id), [2, 3])
        try journal.database.execute("DELETE FROM events")
        XCTAssertEqual(try journal.append([], events: [events[0]]).events.first?.id, 4, "event ids are not reused either")
    }
}
