import Actuate
import Foundation
import Inspection
import XCTest

@testable import Appliance

final class JournalWriterTests: XCTestCase {
    /// Fast rhythm for tests: the defaults would make them wait seconds.
    private let quick = JournalWriter.Options(batchInterval: .milliseconds(20), retryInterval: .milliseconds(20),
                                              closeTimeout: .milliseconds(200))

    /// A writer on `path` with the quick rhythm, and what it logs.
    private func loggedWriter(_ path: String, options: JournalWriter.Options? = nil) throws -> (JournalWriter, LogCapture) {
        let log = LogCapture()
        return (try JournalWriter(path: path, options: options ?? quick, logger: log.logger), log)
    }

    /// Collects what `onCommit` reports.
    private final class Commits: @unchecked Sendable {
        private let lock = NSLock()
        private var batches: [JournalAppend] = []

        func record(_ batch: JournalAppend) {
            lock.lock()
            batches.append(batch)
            lock.unlock()
        }

        var all: [JournalAppend] {
            lock.lock()
            defer { lock.unlock() }
            return batches
        }
    }

    func testPartsAreBatchedCommittedInOrderAndReportedAfterCommit() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let commits = Commits()
        let writer = try JournalWriter(path: path, options: quick) { batch in
            // Committed means readable by another connection when the hook runs.
            let last = batch.parts.last.map { (try? Journal(path: path, access: .readOnly).part($0.id)) != nil } ?? true
            XCTAssertTrue(last, "a reported part is in the journal")
            commits.record(batch)
        }
        let parts = SampleParts.parts(1...1_000)
        for part in parts { writer.submit(part) }
        writer.submit(JournalEvent(kind: .lifecycle, component: "line", message: "line started"))
        XCTAssertTrue(writer.flush(timeout: .seconds(30)))
        let counters = writer.counters
        XCTAssertEqual(counters.committedParts, 1_000)
        XCTAssertEqual(counters.committedEvents, 1)
        XCTAssertEqual(counters.backlog, 0)
        XCTAssertEqual(counters.writeErrors, 0)
        XCTAssertLessThan(counters.batches, 100, "parts share transactions")
        XCTAssertEqual(counters.batches, commits.all.count)
        XCTAssertGreaterThan(counters.databaseBytes, 100_000)
        XCTAssertEqual(commits.all.flatMap(\.parts), parts, "every part reported once, in order")
        writer.close()
        let journal = try Journal(path: path, access: .readOnly)
        XCTAssertEqual(try journal.parts(), parts)
        XCTAssertEqual(try journal.pendingCount(), 1_001, "parts and the event queued for the publisher")
    }

    func testARejectOutcomeBeforeItsPartsRowWaitsForIt() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let writer = try JournalWriter(path: path, options: quick)
        defer { writer.close() }
        // A verdict later than the part's arrival at the actuator: the outcome comes first.
        writer.submit(RejectResult(id: PartID(rawValue: 2), outcome: .failSafeRejected, timingErrorNanoseconds: 2_000_000,
                                   cause: "undecided"))
        writer.submit(SampleParts.part(1))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        writer.submit(SampleParts.part(2))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        let outcomes = try Journal(path: path, access: .readOnly).rejectOutcomes()
        XCTAssertEqual(outcomes.map(\.id), [PartID(rawValue: 2)])
        XCTAssertEqual(outcomes.first?.outcome, .failSafeRejected)
        XCTAssertEqual(outcomes.first?.timingErrorMs, 2)
    }

    func testAnIdleWriterCommitsAtOnceAndFlushWaitsForIt() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        // A long batch interval: flush must not wait it out.
        let writer = try JournalWriter(path: path, options: JournalWriter.Options(batchInterval: .seconds(30)))
        defer { writer.close() }
        writer.submit(SampleParts.part(1))
        XCTAssertTrue(eventually { writer.counters.committedParts == 1 }, "the first part after idle needs no wait")
        writer.submit(SampleParts.part(2))
        let start = Date()
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(try Journal(path: path, access: .readOnly).partCount(), 2)
        XCTAssertTrue(writer.flush(), "nothing pending: returns at once")
    }

    func testCloseWritesWhatIsQueuedAndLaterSubmissionsAreCounted() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let (writer, log) = try loggedWriter(path)
        for part in SampleParts.parts(1...20) { writer.submit(part) }
        writer.close()
        writer.close()
        XCTAssertEqual(writer.counters.committedParts, 20)
        writer.submit(SampleParts.part(21))
        XCTAssertEqual(writer.counters.lostParts, 1)
        XCTAssertTrue(log.contains("part submitted after the journal writer closed"), "\(log.lines)")
        XCTAssertThrowsError(try writer.perform { try $0.partCount() }) { error in
            XCTAssertEqual(error as? JournalError, .writerClosed(path: path))
        }
        XCTAssertEqual(try Journal(path: path, access: .readOnly).partCount(), 20)
    }

    func testTheThreadIsNamedJournal() throws {
        let writer = try JournalWriter(path: try journalDirectory().appendingPathComponent("j.sqlite").path, options: quick)
        defer { writer.close() }
        func names() -> [String] {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            return tasks.compactMap {
                try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        XCTAssertTrue(eventually { names().contains("journal") }, "\(names())")
    }

    func testAFullDiskIsLoggedCountedAndRetriedUntilItHasRoomWithNothingLost() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let (writer, log) = try loggedWriter(path)
        defer { writer.close() }
        writer.submit(SampleParts.part(1))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        // SQLite's page limit stands in for a full disk: the same SQLITE_FULL, on any machine.
        try writer.perform { journal in
            let pages = try journal.database.prepare("PRAGMA page_count")
            _ = try pages.step()
            try journal.database.execute("PRAGMA max_page_count = \(pages.int(0))")
        }
        let parts = SampleParts.parts(2...301)
        for part in parts { writer.submit(part) }
        XCTAssertFalse(writer.flush(timeout: .milliseconds(300)), "nothing fits")
        XCTAssertGreaterThan(writer.counters.writeErrors, 1, "every attempt counts")
        XCTAssertEqual(writer.counters.backlog, 300, "kept in memory")
        let complaints = log.lines.filter { $0.contains("cannot write the journal") }
        XCTAssertEqual(complaints.count, 1, "logged once, not at every retry: \(log.lines)")
        XCTAssertTrue(complaints.first?.contains("disk is full") ?? false, "\(complaints)")

        try writer.perform { try $0.database.execute("PRAGMA max_page_count = 1000000") }
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertTrue(log.contains("journal writable again"), "\(log.lines)")
        XCTAssertEqual(writer.counters.committedParts, 301)
        XCTAssertEqual(try Journal(path: path, access: .readOnly).parts(), [SampleParts.part(1)] + parts)
    }

    func testAMissingDirectoryAtStartIsRetriedUntilItExists() throws {
        let directory = try journalDirectory().appendingPathComponent("later")
        try checkRetriedUntilFixed(directory) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        }
    }

    func testAReadOnlyDirectoryAtStartIsRetriedUntilWritable() throws {
        let directory = try journalDirectory().appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        guard !runningAsRoot else { return } // root writes anyway; the missing directory covers the retries
        chmod(directory.path, 0o555)
        try checkRetriedUntilFixed(directory) { chmod(directory.path, 0o755) }
    }

    /// A writer started on `directory` fails, logs once, keeps the parts, and writes them all
    /// once `fix` has run.
    private func checkRetriedUntilFixed(_ directory: URL, fix: () throws -> Void,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let path = directory.appendingPathComponent("journal.sqlite").path
        let (writer, log) = try loggedWriter(path)
        defer { writer.close() }
        XCTAssertEqual(writer.counters.writeErrors, 1, file: file, line: line)
        for part in SampleParts.parts(1...50) { writer.submit(part) }
        XCTAssertFalse(writer.flush(timeout: .milliseconds(100)), file: file, line: line)
        XCTAssertEqual(log.lines.filter { $0.contains("cannot write the journal") }.count, 1, "\(log.lines)", file: file, line: line)
        try fix()
        XCTAssertTrue(writer.flush(timeout: .seconds(10)), file: file, line: line)
        XCTAssertEqual(try Journal(path: path, access: .readOnly).parts(), SampleParts.parts(1...50), file: file, line: line)
        XCTAssertTrue(log.contains("journal writable again"), "\(log.lines)", file: file, line: line)
    }

    func testAFileThatIsNotAJournalFailsAtOnce() throws {
        let path = try journalDirectory().appendingPathComponent("notes.txt").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try JournalWriter(path: path, options: quick)) { error in
            guard case .notAJournal? = error as? JournalError else { return XCTFail("\(error)") }
        }
    }

    func testAFullQueueMakesPartsWaitAndDropsEventsCountingBoth() throws {
        let later = try journalDirectory().appendingPathComponent("later")
        var options = quick
        options.capacity = 4
        // Retries only when a job wakes the writer, so no batch is in flight (and safe from
        // dropping) while the queue is filled below.
        options.retryInterval = .seconds(60)
        // Nothing can be written until the directory exists: the queue fills.
        let (writer, log) = try loggedWriter(later.appendingPathComponent("journal.sqlite").path, options: options)
        defer { writer.close() }
        writer.submit(SampleParts.part(1))
        XCTAssertTrue(eventually { writer.counters.writeErrors == 2 }, "the open at start and the first attempt")
        for part in SampleParts.parts(2...3) { writer.submit(part) }
        writer.submit(JournalEvent(kind: .health, component: "camera", message: "camera lost"))
        writer.submit(SampleParts.part(4)) // takes the event's place
        writer.submit(JournalEvent(kind: .health, component: "camera", message: "camera back")) // no room: dropped
        XCTAssertEqual(writer.counters.droppedEvents, 2)

        let submitted = expectation(description: "the fifth part is accepted once there is room")
        DispatchQueue.global().async {
            writer.submit(SampleParts.part(5))
            submitted.fulfill()
        }
        XCTAssertTrue(eventually { writer.counters.backlogFullWaits == 1 })
        XCTAssertEqual(writer.counters.backlog, 4)
        XCTAssertEqual(log.lines.filter { $0.contains("journal backlog full") }.count, 1, "\(log.lines)")

        try FileManager.default.createDirectory(at: later, withIntermediateDirectories: false)
        XCTAssertEqual(try writer.perform { try $0.partCount() }, 0, "a job wakes the writer, which then retries")
        wait(for: [submitted], timeout: 10)
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertEqual(writer.counters.committedParts, 5)
        XCTAssertEqual(writer.counters.committedEvents, 0)
        XCTAssertTrue(log.contains("journal backlog has room again"), "\(log.lines)")
    }

    func testCloseGivesUpAfterItsTimeoutCountingAndLoggingTheLostParts() throws {
        let (writer, log) = try loggedWriter(try journalDirectory().appendingPathComponent("never/journal.sqlite").path)
        for part in SampleParts.parts(7...9) { writer.submit(part) }
        let start = Date()
        writer.close()
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(writer.counters.lostParts, 3)
        XCTAssertFalse(writer.flush(), "what was lost is not flushed")
        let line = log.lines.first { $0.contains("could not write") } ?? ""
        XCTAssertTrue(line.contains("lost_parts=3") && line.contains("first_id=7") && line.contains("last_id=9"), "\(log.lines)")
    }

    func testADuplicateIdIsCountedAndLogged() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let (writer, log) = try loggedWriter(path)
        defer { writer.close() }
        writer.submit(SampleParts.part(1))
        writer.submit(SampleParts.part(1))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertEqual(writer.counters.committedParts, 1)
        XCTAssertEqual(writer.counters.duplicateParts, 1)
        XCTAssertTrue(log.contains("part id already journalled"), "\(log.lines)")
    }

    func testMaintenanceRunsOnTheWriterConnection() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        let writer = try JournalWriter(path: path, options: quick)
        defer { writer.close() }
        let now = UTCTimestamp.date(milliseconds: SampleParts.start)
        for id in Int64(1)...40 {
            writer.submit(SampleParts.part(id, decidedAt: now.addingTimeInterval(id <= 25 ? -40 * 86_400 : -60)))
        }
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertEqual(try writer.applyRetention(keepDays: 30, now: now, chunk: 7).parts, 25)
        XCTAssertEqual(try writer.trimOutbox(keepingNewest: 10), 5)
        XCTAssertEqual(try writer.perform { try $0.nextPartID() }.rawValue, 41)
        XCTAssertEqual(try writer.perform { try $0.outboxDropped() }, 5 + 25)
    }
}
