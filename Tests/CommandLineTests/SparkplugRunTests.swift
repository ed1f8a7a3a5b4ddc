import Foundation
import Inspection
import TestFixtures
import XCTest

/// `eagle-edge run` as a Sparkplug B edge node, watched by an independent host application
/// (pysparkplug, Tests/Sparkplug/sparkplug_host.py) through a real Mosquitto broker: births,
/// data and their seq, rebirth, the NDEATH will on kill -9, bdSeq across restarts, and store
/// and forward while the primary host is offline. The host itself checks the seq rules and
/// pairs each NDEATH with its NBIRTH; these tests add what must arrive.
final class SparkplugRunTests: XCTestCase {
    private let group = "test-group"
    /// The edge node id derived from TinyLine's line and station (the defaults).
    private let node = "demo-line-station-1"

    private func skipUnlessInstalled() throws {
        try MosquittoBroker.skipUnlessInstalled()
        try SparkplugHost.skipUnlessInstalled()
    }

    /// A tiny line (`fps` parts/s) publishing Sparkplug to the broker at `port`.
    private func sparkplugLine(in directory: URL, port: Int, primaryHost: String? = nil, fps: Int = 30) throws -> TinyLine {
        var settings = TinyLine.Settings()
        settings.fps = fps
        let line = try TinyLine(in: directory, settings: settings)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: line.config))
        handle.seekToEndOfFile()
        handle.write(Data("""
            mqtt:
              enabled: true
              host: 127.0.0.1
              port: \(port)
              sparkplug:
                enabled: true
                group_id: \(group)
                primary_host_id: \(primaryHost ?? "~")
                counters_interval_s: 1

            """.utf8))
        try handle.close()
        return line
    }

    private func journalIDs(_ line: TinyLine) throws -> [Int] {
        try line.journalledParts().map { Int($0.id.rawValue) }
    }

    /// The part ids the host got (de-duplicated) are the journal's; says where they part if not.
    private func assertSameParts(_ received: [Int], _ journalled: [Int], _ what: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        guard received != journalled else { return }
        let common = zip(received, journalled).prefix { $0 == $1 }.count
        XCTFail("\(what): the host got \(received.count) parts, the journal holds \(journalled.count); they agree on the first"
                + " \(common), then \(received.dropFirst(common).prefix(5)) vs \(journalled.dropFirst(common).prefix(5))",
                file: file, line: line)
    }

    private func stop(_ run: RunningEagleEdge, file: StaticString = #filePath, line: UInt = #line) {
        run.signal(SIGTERM)
        XCTAssertTrue(run.waitForExit(seconds: 30), "SIGTERM did not stop the line", file: file, line: line)
        let outcome = run.finish()
        XCTAssertEqual(outcome.status, 0, String(outcome.stderr.suffix(3000)), file: file, line: line)
    }

    func testBirthDataRebirthAndACleanRestartReachAnIndependentHost() throws {
        try skipUnlessInstalled()
        let directory = try scratch()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let host = try SparkplugHost(port: broker.port, group: group, node: node, directory: directory)
        let line = try sparkplugLine(in: directory, port: broker.port)
        let run = try EagleEdgeProcess.start(line.runArguments())

        XCTAssertTrue(host.wait(seconds: 60) { $0.count(of: "NBIRTH") == 1 && $0.compactMap(\.partID).count >= 10 },
                      "no birth and parts: \(run.stderr.suffix(2000))")
        try host.send("rebirth")
        XCTAssertTrue(host.wait(seconds: 30) { records in
            guard let rebirth = records.lastIndex(where: { $0.type == "NBIRTH" }), records.count(of: "NBIRTH") == 2 else { return false }
            let after = records[rebirth...]
            // Counters and health go out every counters_interval_s (1 s here) when they changed.
            return after.compactMap(\.partID).count >= 5 && after.contains { $0.partID == nil && $0.metrics["Counters/Parts"] != nil }
        }, "no rebirth followed by parts and counters: \(host.records.trace)")
        stop(run)
        XCTAssertTrue(host.wait(seconds: 10) { $0.count(of: "NDEATH") == 1 }, "a clean stop says NDEATH itself")

        // A clean restart: the next bdSeq, and the parts of both runs.
        let again = try EagleEdgeProcess.start(line.runArguments())
        XCTAssertTrue(host.wait(seconds: 60) { records in
            guard let birth = records.lastIndex(where: { $0.type == "NBIRTH" }), records.count(of: "NBIRTH") == 3 else { return false }
            return records[birth...].compactMap(\.partID).count >= 5
        }, "no birth after the restart: \(host.records.trace)")
        stop(again)
        XCTAssertTrue(host.wait(seconds: 10) { $0.count(of: "NDEATH") == 2 }, host.records.trace)
        host.stop()

        let records = host.records
        XCTAssertEqual(host.problems, [], "the host saw Sparkplug rules broken")
        let births = records.filter { $0.type == "NBIRTH" }
        XCTAssertEqual(births.map(\.bdSeq), [0, 0, 1], "a new journal starts at bdSeq 0; a rebirth keeps it; a restart takes the next")
        XCTAssertEqual(records.filter { $0.type == "NDEATH" }.map(\.bdSeq), [0, 1])
        let types = births[0].metrics.mapValues { $0["datatype"] as? String ?? "" }
        let expected = ["bdSeq": "INT64", "Node Control/Rebirth": "BOOLEAN", "Part/ID": "UINT64", "Part/Decided At": "DATETIME",
                        "Part/Verdict": "STRING", "Part/Score": "DOUBLE", "Part/Box Count": "UINT32", "Counters/Parts": "UINT64",
                        "Health/State": "STRING", "Properties/Recipe": "STRING"]
        for (name, type) in expected { XCTAssertEqual(types[name], type, name) }
        XCTAssertEqual(births[0].metrics["Properties/Recipe"]?["value"] as? String, "tiny")

        let journal = try line.journalledParts()
        assertSameParts(records.uniquePartIDs, journal.map { Int($0.id.rawValue) }, "every journalled part, once, in order")
        // The host reads the same record the journal holds.
        let last = try XCTUnwrap(journal.last)
        let sent = try XCTUnwrap(records.last { $0.partID == Int(last.id.rawValue) })
        XCTAssertEqual(sent.metrics["Part/Verdict"]?["value"] as? String, last.verdict?.rawValue)
        XCTAssertEqual(try XCTUnwrap(sent.metrics["Part/Score"]?["value"] as? Double), try XCTUnwrap(last.score), accuracy: 1e-9)
        XCTAssertEqual(sent.metrics["Part/Action"]?["value"] as? String, last.action.rawValue)
    }

    func testTheWillAnnouncesDeathOnKillNineAndTheRestartTakesTheNextBdSeq() throws {
        try skipUnlessInstalled()
        let directory = try scratch()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let host = try SparkplugHost(port: broker.port, group: group, node: node, directory: directory)
        // Fast enough to see seq wrap from 255 to 0 within a few seconds.
        let line = try sparkplugLine(in: directory, port: broker.port, fps: 120)

        let first = try EagleEdgeProcess.start(line.runArguments())
        XCTAssertTrue(host.wait(seconds: 120) { $0.count(of: "NBIRTH") == 1 && $0.compactMap(\.partID).count >= 300 },
                      "no birth and 300 parts: \(host.records.trace) \(first.stderr.suffix(2000))")
        XCTAssertTrue(host.records.contains { $0.type == "NDATA" && $0.seq == 255 }, "seq reached 255")
        first.signal(SIGKILL)
        XCTAssertTrue(first.waitForExit(seconds: 30))
        XCTAssertTrue(first.wasKilledBySignal)
        XCTAssertTrue(host.wait(seconds: 30) { $0.count(of: "NDEATH") == 1 }, "the broker published no NDEATH will")

        let second = try EagleEdgeProcess.start(line.runArguments())
        XCTAssertTrue(host.wait(seconds: 60) { records in
            guard let birth = records.lastIndex(where: { $0.type == "NBIRTH" }), records.count(of: "NBIRTH") == 2 else { return false }
            return records[birth...].contains { $0.partID != nil && !$0.isHistorical }
        }, "no second birth with live parts: \(second.stderr.suffix(2000))")
        stop(second)
        XCTAssertTrue(host.wait(seconds: 10) { $0.count(of: "NDEATH") == 2 }, host.records.trace)
        host.stop()

        let records = host.records
        XCTAssertEqual(host.problems, [])
        XCTAssertEqual(records.filter { $0.type == "NBIRTH" }.map(\.bdSeq), [0, 1], "bdSeq +1 across the restart")
        let wrapped = zip(records, records.dropFirst()).contains { $0.type == "NDATA" && $0.seq == 255 && $1.type == "NDATA" && $1.seq == 0 }
        XCTAssertTrue(wrapped, "seq wraps from 255 to 0 (the host checks every step)")
        XCTAssertEqual(records.filter { $0.type == "NDEATH" }.map(\.bdSeq), [0, 1], "each death names its birth's bdSeq")
        assertSameParts(records.uniquePartIDs, try journalIDs(line), "no part lost across the kill, in order")
    }

    func testPartsWaitWhileThePrimaryHostIsOfflineAndArriveHistoricalInOrder() throws {
        try skipUnlessInstalled()
        let directory = try scratch()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let host = try SparkplugHost(port: broker.port, group: group, node: node, hostID: "scada", directory: directory)
        let line = try sparkplugLine(in: directory, port: broker.port, primaryHost: "scada")
        let run = try EagleEdgeProcess.start(line.runArguments())

        // The host has said nothing yet: the node decides parts but publishes no birth.
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 60) { ((try? journalIDs(line).count) ?? 0) >= 10 }, run.stderr)
        XCTAssertEqual(host.records.count(of: "NBIRTH"), 0, "NBIRTH before the primary host is online")
        let beforeOnline = try journalIDs(line)
        try host.send("online")
        XCTAssertTrue(host.wait(seconds: 30) { Set($0.uniquePartIDs).isSuperset(of: beforeOnline) },
                      "the parts decided before the host came online did not arrive: \(run.stderr.suffix(2000))")

        try host.send("offline")
        XCTAssertTrue(host.wait(seconds: 30) { $0.count(of: "NDEATH") == 1 }, "the session did not end when the host went offline")
        let sentBeforeOffline = Set(host.records.uniquePartIDs)
        let atOffline = try journalIDs(line).count
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 60) { ((try? journalIDs(line).count) ?? 0) >= atOffline + 15 })
        XCTAssertEqual(host.records.count(of: "NBIRTH"), 1, "NBIRTH while the primary host is offline")
        let decidedWhileOffline = try journalIDs(line).filter { !sentBeforeOffline.contains($0) }

        try host.send("online")
        XCTAssertTrue(host.wait(seconds: 30) { Set($0.uniquePartIDs).isSuperset(of: decidedWhileOffline) },
                      "the stored parts were not forwarded: \(run.stderr.suffix(2000))")
        stop(run)
        XCTAssertTrue(host.wait(seconds: 10) { $0.count(of: "NDEATH") == 2 }, host.records.trace)
        host.stop()

        let records = host.records
        XCTAssertEqual(host.problems, [], "the host saw Sparkplug rules broken (no data may come between a death and a birth)")
        XCTAssertEqual(records.filter { $0.type == "NBIRTH" }.map(\.bdSeq), [0, 1], records.trace)
        XCTAssertEqual(records.filter { $0.type == "NDEATH" }.map(\.bdSeq), [0, 1], records.trace)
        assertSameParts(records.uniquePartIDs, try journalIDs(line), "every part once, in order, none lost")
        let firstSent = Dictionary(records.filter { $0.partID != nil }.map { ($0.partID ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
        let notHistorical = (beforeOnline + decidedWhileOffline).filter { firstSent[$0]?.isHistorical != true }
        XCTAssertEqual(notHistorical.count, 0, "parts stored while no host listened arrive historical; not: \(notHistorical.prefix(10))")
        XCTAssertTrue(firstSent.values.contains { !$0.isHistorical }, "parts decided while the host listens are live")
    }
}
