import Appliance
import Foundation
import XCTest

/// `eagle-edge run` ended from outside: SIGTERM (systemd's stop) under load, and kill -9 at
/// random moments (a power cut of the process). Neither loses a part the journal committed,
/// and part ids never repeat across runs.
final class RunCommandStopTests: XCTestCase {
    /// The parts `eagle-edge results --json` lists from `journal`: every one, oldest first.
    private func listed(_ journal: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let outcome = try EagleEdgeProcess.run(["results", "--journal", journal, "--json", "--since", "1d"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr, file: file, line: line)
        return try outcome.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0), file: file, line: line)
        }
    }

    func testSIGTERMUnderLoadExitsWithinSecondsAndEveryCountedPartIsJournalled() throws {
        var settings = TinyLine.Settings()
        settings.fps = 240 // faster than the expert: the capture hand-off drops frames, the journal is busy
        let line = try TinyLine(in: try scratch(), settings: settings)
        let run = try EagleEdgeProcess.start(line.runArguments(["--duration", "120"]))
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 60) { ((try? line.journalledParts().count) ?? 0) >= 60 },
                      "the line never got going: \(run.stderr)")

        let signalled = Date()
        run.signal(SIGTERM)
        XCTAssertTrue(run.waitForExit(seconds: 30), "SIGTERM did not stop the line")
        let stopping = Date().timeIntervalSince(signalled)
        // The line finishes the part in hand (milliseconds), then gives the journal 1.5 s and
        // 0.5 s: about 2 s at worst. 5 s allows for a loaded 2-core CI machine and qemu, and
        // still fails a stop that waits out the writer's 10 s close timeout or the --duration.
        XCTAssertLessThan(stopping, 5, "SIGTERM took \(stopping) s")
        let outcome = run.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertFalse(run.wasKilledBySignal)
        XCTAssertTrue(outcome.stdout.contains("verdicts    pass "), "the summary is printed: \(outcome.stdout)")

        let counted = try XCTUnwrap(try line.writtenSummary()["parts"] as? Int)
        let ids = try line.journalledParts().map(\.id.rawValue)
        XCTAssertGreaterThanOrEqual(counted, 60)
        XCTAssertEqual(ids, Array(1...Int64(counted)), "every part counted is in the journal, once, in order")
        XCTAssertTrue(outcome.stderr.contains("line stopped"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("journal did not commit every part"), outcome.stderr)
    }

    /// Ten runs on one journal, each killed with SIGKILL at a random moment: after each, the
    /// file is intact, `results` reads it, every part of the earlier runs is still there and the
    /// new run's ids all lie above them (ids never repeat). Half the kills count from the
    /// process's start, so some land in start-up (opening, creating, recovering the journal);
    /// the other half from "line started", so they land while parts are being written even
    /// where start-up is slow (qemu).
    func testKillNineAtRandomMomentsLosesNoCommittedPartAndIdsNeverRepeat() throws {
        let line = try TinyLine(in: try scratch())
        var earlier: [Int64] = []
        var roundsAddingParts = 0
        for round in 1...10 {
            let run = try EagleEdgeProcess.start(line.runArguments())
            if round.isMultiple(of: 2) {
                XCTAssertTrue(run.waitForLog("line started", seconds: 60), "round \(round): \(run.stderr)")
            }
            usleep(UInt32.random(in: 300_000...1_500_000))
            run.signal(SIGKILL)
            XCTAssertTrue(run.waitForExit(seconds: 30), "round \(round)")
            XCTAssertTrue(run.wasKilledBySignal, "round \(round) ended before the kill: \(run.stderr)")
            guard FileManager.default.fileExists(atPath: line.journal) else {
                XCTAssertTrue(earlier.isEmpty, "round \(round): the journal vanished")
                continue
            }
            // Opened for writing, as the next run opens it (recovering the WAL), then checked.
            XCTAssertNil(try Journal(path: line.journal).integrityProblem(), "round \(round)")

            let parts = try listed(line.journal)
            let ids = try parts.map { Int64(try XCTUnwrap($0["part_id"] as? Int, "round \(round): \($0)")) }
            XCTAssertEqual(Array(ids.prefix(earlier.count)), earlier, "round \(round): every part of the earlier runs is still there")
            XCTAssertTrue(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "round \(round): ids strictly increase: \(ids)")
            let times = try parts.map { try XCTUnwrap($0["decided_at"] as? String) }
            XCTAssertEqual(times, times.sorted(), "round \(round): ids increase in decision order, across runs")
            if ids.count > earlier.count { roundsAddingParts += 1 }
            earlier = ids
        }
        XCTAssertGreaterThanOrEqual(roundsAddingParts, 5, "the kills must land while the line writes; \(earlier.count) parts in all")
    }
}
