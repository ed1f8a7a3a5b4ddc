import Foundation
import Inspection
import XCTest

@testable import Appliance

/// kill -9 of a process writing the journal loses nothing it reported committed, leaves an
/// intact file, and the next run's ids continue without reuse.
///
/// The writer is this test binary run again with ``JournalKillChild`` selected and its
/// environment variable set: a real separate process running the real `JournalWriter`, with no
/// extra executable or hidden subcommand to ship.
final class JournalKillTests: XCTestCase {
    func testCommittedPartsSurviveKillNineAndIdsContinue() throws {
        let directory = try journalDirectory()
        let path = directory.appendingPathComponent("journal.sqlite").path
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var highest: Int64 = 0
        for round in 1...10 {
            let output = directory.appendingPathComponent("child-\(round).out")
            XCTAssertTrue(FileManager.default.createFile(atPath: output.path, contents: nil))
            let child = Process()
            child.executableURL = binary
            child.arguments = ["ApplianceTests.JournalKillChild/testWriteUntilKilled"]
            child.environment = ProcessInfo.processInfo.environment.merging([JournalKillChild.variable: path]) { $1 }
            child.standardOutput = try FileHandle(forWritingTo: output)
            child.standardError = FileHandle.nullDevice
            try child.run()

            // Kill it at a random moment once it is writing.
            XCTAssertTrue(eventually(60) { (try? report(output))?.committed != nil }, "round \(round): the child never committed")
            usleep(UInt32.random(in: 0...150_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            XCTAssertEqual(child.terminationReason, .uncaughtSignal, "round \(round)")

            let (start, committed) = try report(output)
            let reported = try XCTUnwrap(committed, "round \(round)")
            XCTAssertEqual(start, highest + 1, "round \(round): ids continue after the last run's highest")
            // Open as the next run of the line would (recovering the WAL), then check.
            let journal = try Journal(path: path)
            XCTAssertNil(try journal.integrityProblem(), "round \(round)")
            let next = try journal.nextPartID().rawValue
            XCTAssertGreaterThan(next, reported, "round \(round): every reported part is in")
            // Batches commit in order, so what is in is exactly 1...highest, no gap, no repeat.
            highest = next - 1
            XCTAssertEqual(try journal.partCount(), Int(highest), "round \(round)")
            XCTAssertEqual(try journal.count("SELECT count(DISTINCT id) FROM parts WHERE id BETWEEN 1 AND ?", [.integer(highest)]),
                           Int(highest), "round \(round)")
        }
        // Every round committed at least one part before its kill (more natively; under
        // emulation a kill can land right after the first batch).
        XCTAssertGreaterThanOrEqual(highest, 10)
    }

    /// The child's first id and the last id it reported committed, from its output.
    private func report(_ output: URL) throws -> (start: Int64, committed: Int64?) {
        let text = try String(contentsOf: output, encoding: .utf8)
        var start: Int64 = 0, committed: Int64?
        // Only whole lines: the kill may cut the last one.
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == "journal-child", let id = Int64(words[2]) else { continue }
            if words[1] == "start" { start = id } else if words[1] == "committed" { committed = id }
        }
        return (start, committed)
    }
}

/// The child half of ``JournalKillTests``: runs only when that test starts it (and is skipped
/// in a normal run). Writes parts as fast as a busy line until it is killed, printing each
/// batch's last id once `onCommit` reports it committed.
final class JournalKillChild: XCTestCase {
    static let variable = "EAGLE_JOURNAL_KILL_CHILD"

    func testWriteUntilKilled() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.variable] else {
            throw XCTSkip("the child half of JournalKillTests; runs only when that test starts it")
        }
        let options = JournalWriter.Options(batchInterval: .milliseconds(5))
        let writer = try JournalWriter(path: path, options: options) { batch in
            if let last = batch.parts.last { Self.say("committed \(last.id)") }
        }
        var id = try writer.perform { try $0.nextPartID() }.rawValue
        Self.say("start \(id)")
        let deadline = Date().addingTimeInterval(120) // never outlive a parent that died
        while Date() < deadline {
            writer.submit(SampleParts.part(id, decidedAt: Date()))
            id += 1
            if id % 10 == 0 { usleep(1_000) }
        }
        writer.close()
    }

    /// One line on stdout with one `write(2)`, unbuffered: it must be out before a kill.
    private static func say(_ text: String) {
        let line = Array("journal-child \(text)\n".utf8)
        line.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
    }
}
