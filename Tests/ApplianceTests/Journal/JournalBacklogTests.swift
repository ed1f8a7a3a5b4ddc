import Foundation
import Inspection
import XCTest

@testable import Appliance

final class JournalBacklogTests: XCTestCase {
    private func event(_ n: Int) -> JournalEvent { JournalEvent(kind: .health, component: "t", message: "\(n)") }

    private func describe(_ backlog: JournalBacklog) -> [String] {
        backlog.entries.map {
            switch $0.record {
            case .part(let part): "p\(part.id)"
            case .event(let event): "e\(event.message)"
            case .rejectResult(let result): "r\(result.id)"
            }
        }
    }

    func testAFullQueueDropsTheOldestEventForAPartAndNeverAPart() {
        var backlog = JournalBacklog(capacity: 4)
        XCTAssertEqual(backlog.offer(SampleParts.part(1)), .queued(droppedEvent: false))
        XCTAssertEqual(backlog.offer(event(1)), .queued(droppedEvent: false))
        XCTAssertEqual(backlog.offer(SampleParts.part(2)), .queued(droppedEvent: false))
        XCTAssertEqual(backlog.offer(event(2)), .queued(droppedEvent: false))
        XCTAssertEqual(backlog.offer(SampleParts.part(3)), .queued(droppedEvent: true))
        XCTAssertEqual(describe(backlog), ["p1", "p2", "e2", "p3"])
        XCTAssertEqual(backlog.offer(event(3)), .queued(droppedEvent: true))
        XCTAssertEqual(describe(backlog), ["p1", "p2", "p3", "e3"])
        XCTAssertEqual(backlog.offer(SampleParts.part(4)), .queued(droppedEvent: true))
        XCTAssertEqual(backlog.offer(SampleParts.part(5)), .full)
        XCTAssertEqual(backlog.offer(event(4)), .droppedItself)
        XCTAssertEqual(describe(backlog), ["p1", "p2", "p3", "p4"])
    }

    func testTheBatchInFlightStaysQueuedUntilCommittedAndIsNotDropped() {
        var backlog = JournalBacklog(capacity: 3)
        _ = backlog.offer(event(1))
        _ = backlog.offer(SampleParts.part(1))
        XCTAssertEqual(backlog.takeBatch(limit: 10).count, 2)
        _ = backlog.offer(SampleParts.part(2))
        XCTAssertEqual(backlog.offer(SampleParts.part(3)), .full, "the event in flight is not dropped")
        backlog.abandonBatch()
        XCTAssertEqual(backlog.offer(SampleParts.part(3)), .queued(droppedEvent: true), "after a failure it may go")
        XCTAssertEqual(describe(backlog), ["p1", "p2", "p3"])
        XCTAssertEqual(backlog.takeBatch(limit: 2).count, 2)
        XCTAssertFalse(backlog.isSettled(through: 3))
        backlog.commit()
        XCTAssertEqual(describe(backlog), ["p3"])
        XCTAssertTrue(backlog.isSettled(through: 3), "tickets 1...3 are gone (the event was dropped)")
        XCTAssertFalse(backlog.isSettled(through: 4))
        XCTAssertEqual(backlog.removeAll().map(\.id.rawValue), [3])
        XCTAssertTrue(backlog.isEmpty)
    }
}
