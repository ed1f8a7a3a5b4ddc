import Appliance
import Foundation
import Glibc
import TestFixtures
import XCTest

/// `eagle-edge run` publishing to a real Mosquitto broker, watched by `mosquitto_sub`, through
/// what a plant network does to it: the appliance killed with SIGKILL and restarted, the broker
/// away for a long while, a connection cut every two seconds. Every journalled part reaches the
/// subscriber, once after de-duplication by part id and in order; the line keeps deciding;
/// the counters agree with the journal; no log line holds the password.
final class RunCommandMQTTTests: XCTestCase {
    private let prefix = "test-plant/line-a/st-1"
    private let password = "plant-secret-9q7"

    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    /// How long the broker stays away in the outage test: the minute a plant outage test asks
    /// for on x86-64; under qemu (the aarch64 test root) a few seconds, which exercise the same
    /// code without making the run take many minutes of emulated time.
    private var outageSeconds: Double {
        #if arch(arm64)
        return 5
        #else
        return ProcessInfo.processInfo.environment["QEMU_LD_PREFIX"] == nil ? 60 : 5
        #endif
    }

    /// A tiny line at 30 parts/s publishing to `port` as user `station`.
    private func makeLine(port: Int) throws -> TinyLine {
        let line = try TinyLine(in: try scratch())
        let yaml = try String(contentsOfFile: line.config, encoding: .utf8) + """
            line:
              name: line-a
              station: st-1
            mqtt:
              enabled: true
              host: 127.0.0.1
              port: \(port)
              topic_prefix: test-plant
              keepalive_s: 5
              username: station
              password_env: EAGLE_TEST_MQTT_PASSWORD
              counters_interval_s: 1

            """
        try yaml.write(toFile: line.config, atomically: true, encoding: .utf8)
        return line
    }

    private func start(_ line: TinyLine, _ arguments: [String] = []) throws -> RunningEagleEdge {
        try EagleEdgeProcess.start(line.runArguments(arguments), environment: ["EAGLE_TEST_MQTT_PASSWORD": password])
    }

    private func makeBroker() throws -> MosquittoBroker {
        let broker = try MosquittoBroker(directory: try scratch(), user: "station", password: password)
        try broker.start()
        return broker
    }

    /// A SCADA-like subscriber to everything of the station, persistent so a broker restart
    /// keeps its queue; restarted under the same id if it gave up while the broker was away.
    final class Watcher {
        let broker: MosquittoBroker
        let id = "scada-\(UUID().uuidString.prefix(8))"
        let password: String
        private var subscribers: [MosquittoSubscriber] = []

        init(broker: MosquittoBroker, prefix: String, password: String) throws {
            self.broker = broker
            self.password = password
            try resubscribe(prefix)
        }

        func resubscribe(_ prefix: String) throws {
            subscribers.append(try MosquittoSubscriber(broker: broker, topic: prefix + "/#", clientID: id,
                                                       outputName: "\(id)-\(subscribers.count)", timeoutSeconds: 900,
                                                       user: "station", password: password))
        }

        var isRunning: Bool { subscribers.last?.isRunning ?? false }

        func messages(_ topic: String) -> [(topic: String, payload: String)] {
            subscribers.flatMap { $0.messages(under: topic) }
        }

        /// The part ids of the results, in arrival order.
        func resultIDs(_ prefix: String) -> [Int64] {
            messages(prefix + "/result").compactMap { message in
                guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any] else { return nil }
                return (object["part_id"] as? NSNumber)?.int64Value
            }
        }
    }

    private func journalIDs(_ line: TinyLine) throws -> [Int64] {
        try line.journalledParts().map(\.id.rawValue)
    }

    /// Every journalled part arrived; first arrivals in increasing order; nothing else.
    private func assertDelivered(_ watcher: Watcher, _ line: TinyLine, file: StaticString = #filePath, lineNumber: UInt = #line) throws {
        let journalled = try journalIDs(line)
        var seen = Set<Int64>(), firstArrivals: [Int64] = []
        for id in watcher.resultIDs(prefix) where seen.insert(id).inserted { firstArrivals.append(id) }
        XCTAssertEqual(firstArrivals, journalled, "every journalled part once, in order, after de-duplication", file: file, line: lineNumber)
    }

    /// Waits until every part in the journal has arrived at the watcher.
    private func waitForDelivery(_ watcher: Watcher, _ line: TinyLine, within seconds: Double) -> Bool {
        eventuallyTrue(seconds) {
            guard let journalled = try? self.journalIDs(line), !journalled.isEmpty else { return false }
            return Set(watcher.resultIDs(self.prefix)).isSuperset(of: journalled)
        }
    }

    private func eventuallyTrue(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        RunningEagleEdge.poll(seconds: seconds, condition)
    }

    private func lastCounters(_ watcher: Watcher) -> [String: Any]? {
        watcher.messages(prefix + "/counters").last.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any]
        }
    }

    /// The final counters (published at the clean stop) agree with the journal.
    /// The counters count the last run only: `runs` says how many runs the journal holds,
    /// each starting after a `line started` event.
    private func assertCountersMatch(_ watcher: Watcher, _ line: TinyLine, runs: Int = 1,
                                     file: StaticString = #filePath, lineNumber: UInt = #line) throws {
        let counters = try XCTUnwrap(lastCounters(watcher), file: file, line: lineNumber)
        let parts = try XCTUnwrap(counters["parts"] as? [String: Any], file: file, line: lineNumber)
        let journal = try Journal(path: line.journal, access: .readOnly)
        let starts = try journal.events().filter { $0.kind == .lifecycle && $0.message == "line started" }
        XCTAssertEqual(starts.count, runs, file: file, line: lineNumber)
        let lastStart = try XCTUnwrap(starts.last, file: file, line: lineNumber).at
        let journalled = try journal.parts().filter { $0.decidedAt >= lastStart }
        XCTAssertEqual((parts["total"] as? NSNumber)?.intValue, journalled.count, "counters and journal", file: file, line: lineNumber)
        XCTAssertEqual((parts["pass"] as? NSNumber)?.intValue, journalled.filter { $0.verdict == .pass }.count, file: file, line: lineNumber)
        let mqtt = try XCTUnwrap(counters["mqtt"] as? [String: Any], file: file, line: lineNumber)
        XCTAssertEqual((mqtt["lost"] as? NSNumber)?.intValue, 0, file: file, line: lineNumber)
        XCTAssertEqual(try schemaProblems(watcher.messages(prefix + "/counters").map(\.payload), schema: "counters"), [],
                       file: file, line: lineNumber)
        XCTAssertEqual(try schemaProblems(watcher.messages(prefix + "/health").map(\.payload), schema: "health"), [],
                       file: file, line: lineNumber)
    }

    func testKillNineLeavesTheWillAndARestartDeliversEveryJournalledPart() throws {
        let broker = try makeBroker()
        let watcher = try Watcher(broker: broker, prefix: prefix, password: password)
        XCTAssertTrue(eventuallyTrue(5) { broker.log.contains("Sending SUBACK to \(watcher.id)") })
        let line = try makeLine(port: broker.port)

        let first = try start(line)
        XCTAssertTrue(eventuallyTrue(60) { watcher.resultIDs(self.prefix).count >= 40 }, first.stderr.suffix(2000).description)
        XCTAssertTrue(watcher.messages(prefix + "/status").last?.payload.contains("\"online\"") ?? false)
        first.signal(SIGKILL)
        XCTAssertTrue(first.waitForExit(seconds: 10))
        XCTAssertTrue(first.wasKilledBySignal)
        XCTAssertTrue(eventuallyTrue(15) {
            let last = watcher.messages(self.prefix + "/status").last?.payload ?? ""
            return last.contains("\"offline\"") && last.contains("\"connection_lost\"")
        }, "the will: \(watcher.messages(prefix + "/status"))")
        XCTAssertEqual(try schemaProblems(watcher.messages(prefix + "/status").map(\.payload), schema: "status"), [])
        let journalledAtKill = try journalIDs(line)
        XCTAssertFalse(journalledAtKill.isEmpty)

        let second = try start(line, ["--parts", "30"])
        let outcome = second.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr.suffix(2000).description)
        XCTAssertTrue(waitForDelivery(watcher, line, within: 20), "received \(Set(watcher.resultIDs(prefix)).count) of \((try? journalIDs(line).count) ?? -1)")
        try assertDelivered(watcher, line)
        XCTAssertTrue(Set(watcher.resultIDs(prefix)).isSuperset(of: journalledAtKill), "nothing journalled before the kill is lost")
        XCTAssertEqual(try Journal(path: line.journal, access: .readOnly).pendingCount(), 0, "the outbox is empty")
        let last = watcher.messages(prefix + "/status").last?.payload ?? ""
        XCTAssertTrue(last.contains("\"offline\"") && last.contains("\"stopped\""), last)
        try assertCountersMatch(watcher, line, runs: 2)
        XCTAssertFalse(outcome.stderr.contains(password), "no secret in any log line")
    }

    func testABrokerAwayWhileTheLineRunsLosesNothing() throws {
        let broker = try makeBroker()
        let watcher = try Watcher(broker: broker, prefix: prefix, password: password)
        XCTAssertTrue(eventuallyTrue(5) { broker.log.contains("Sending SUBACK to \(watcher.id)") })
        let line = try makeLine(port: broker.port)
        let run = try start(line)
        XCTAssertTrue(eventuallyTrue(60) { watcher.resultIDs(self.prefix).count >= 30 }, run.stderr.suffix(2000).description)

        broker.stop()
        let before = try journalIDs(line).count
        usleep(UInt32(outageSeconds * 1_000_000))
        let during = try journalIDs(line).count
        XCTAssertGreaterThan(during, before, "the line keeps deciding while the broker is away")
        XCTAssertTrue(run.stderr.contains("lost the connection to the MQTT broker at 127.0.0.1:\(broker.port)"), run.stderr.suffix(2000).description)
        if outageSeconds >= 15 {
            // The status line (every 10 s in a log) shows the publisher degraded with its backlog.
            XCTAssertTrue(run.stderr.contains("mqtt degraded (cannot reach the MQTT broker"), run.stderr.suffix(3000).description)
        }
        try broker.start()
        if !watcher.isRunning { try watcher.resubscribe(prefix) }
        XCTAssertTrue(waitForDelivery(watcher, line, within: 60), "received \(Set(watcher.resultIDs(prefix)).count) of \((try? journalIDs(line).count) ?? -1)")
        XCTAssertTrue(run.stderr.contains("reconnected to the MQTT broker"))
        run.signal(SIGTERM)
        let outcome = run.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr.suffix(2000).description)
        XCTAssertTrue(waitForDelivery(watcher, line, within: 10))
        try assertDelivered(watcher, line)
        XCTAssertEqual(try Journal(path: line.journal, access: .readOnly).pendingCount(), 0, "the backlog drained")
        try assertCountersMatch(watcher, line)
        XCTAssertFalse(outcome.stderr.contains(password), "no secret in any log line")
        print("broker away \(Int(outageSeconds)) s: \(during - before) parts decided meanwhile, \(try journalIDs(line).count) in all, every one delivered")
    }

    func testAConnectionCutEveryTwoSecondsLosesNothing() throws {
        let broker = try makeBroker()
        let watcher = try Watcher(broker: broker, prefix: prefix, password: password)
        XCTAssertTrue(eventuallyTrue(5) { broker.log.contains("Sending SUBACK to \(watcher.id)") })
        let proxy = try DroppingProxy(targetPort: broker.port, interval: 2)
        let line = try makeLine(port: proxy.port)
        let run = try start(line)
        usleep(12_000_000)
        XCTAssertTrue(run.isRunning, run.stderr.suffix(2000).description)
        XCTAssertTrue(waitForDelivery(watcher, line, within: 30), "received \(Set(watcher.resultIDs(prefix)).count) of \((try? journalIDs(line).count) ?? -1)")
        run.signal(SIGTERM)
        let outcome = run.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr.suffix(2000).description)
        // The last messages may have been cut on their way at the stop: they stay owed in the
        // outbox, and the next start, here straight to the broker, delivers them.
        proxy.stop()
        let owed = try Journal(path: line.journal, access: .readOnly).pendingCount()
        let cuts = outcome.stderr.components(separatedBy: "lost the connection to the MQTT broker").count - 1
        XCTAssertGreaterThanOrEqual(cuts, 3, outcome.stderr.suffix(3000).description)
        let counters = try XCTUnwrap(lastCounters(watcher))
        XCTAssertGreaterThanOrEqual(((counters["mqtt"] as? [String: Any])?["connects"] as? NSNumber)?.intValue ?? 0, 4)
        XCTAssertFalse(outcome.stderr.contains(password), "no secret in any log line")
        let config = try String(contentsOfFile: line.config, encoding: .utf8)
        try config.replacingOccurrences(of: "port: \(proxy.port)", with: "port: \(broker.port)")
            .write(toFile: line.config, atomically: true, encoding: .utf8)
        let again = try start(line, ["--parts", "10"]).finish()
        XCTAssertEqual(again.status, 0, again.stderr.suffix(2000).description)
        XCTAssertTrue(waitForDelivery(watcher, line, within: 20))
        try assertDelivered(watcher, line)
        XCTAssertEqual(try Journal(path: line.journal, access: .readOnly).pendingCount(), 0, "the backlog drained")
        try assertCountersMatch(watcher, line, runs: 2)
        print("\(cuts) connections cut; \(try journalIDs(line).count) parts delivered, \(owed) owed at the first stop")
    }
}
