import Foundation
import Inspection
import XCTest

@testable import Appliance

final class RetentionTests: XCTestCase {
    func testOldPartsEventsAndTheirMessagesGoTheIdMarkStays() throws {
        let journal = try Journal(path: try journalDirectory().appendingPathComponent("journal.sqlite").path)
        let now = UTCTimestamp.date(milliseconds: SampleParts.start)
        let day = 86_400.0
        // 30 parts 40 days old, 20 parts 10 days old, 10 parts today.
        let old = (1...30).map { SampleParts.part(Int64($0), decidedAt: now.addingTimeInterval(-40 * day + Double($0))) }
        let recent = (31...50).map { SampleParts.part(Int64($0), decidedAt: now.addingTimeInterval(-10 * day + Double($0))) }
        let today = (51...60).map { SampleParts.part(Int64($0), decidedAt: now.addingTimeInterval(-Double($0))) }
        let events = [
            JournalEvent(at: now.addingTimeInterval(-35 * day), kind: .health, component: "camera", message: "camera lost"),
            JournalEvent(at: now.addingTimeInterval(-1), kind: .health, component: "camera", message: "camera back"),
        ]
        try journal.append(old + recent + today, events: events, outbox: [.part, .event])
        try journal.markDelivered(Array(1...20)) // 20 of the old parts' messages were delivered

        let report = try journal.applyRetention(keepDays: 30, now: now)
        XCTAssertEqual(report, RetentionReport(parts: 30, events: 1, outboxMessages: 31, undelivered: 11))
        XCTAssertEqual(try journal.partCount(), 30)
        XCTAssertEqual(try journal.parts(PartQuery(limit: 1000)).first?.id.rawValue, 31)
        XCTAssertEqual(try journal.events().map(\.message), ["camera back"])
        XCTAssertEqual(try journal.pendingCount(), 31)
        XCTAssertEqual(try journal.outboxDropped(), 11)
        XCTAssertEqual(try journal.nextPartID().rawValue, 61)

        XCTAssertEqual(try journal.deleteRecords(before: now, chunk: 7), RetentionReport(parts: 30, events: 1, outboxMessages: 31, undelivered: 31))
        XCTAssertEqual(try journal.partCount(), 0)
        XCTAssertEqual(try journal.nextPartID().rawValue, 61, "retention never lowers the id mark")
        XCTAssertEqual(try journal.applyRetention(keepDays: 30, now: now), RetentionReport())
    }
}
