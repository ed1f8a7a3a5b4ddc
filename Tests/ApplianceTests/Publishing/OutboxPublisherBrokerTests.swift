import EagleLog
import Foundation
import Inspection
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// The publisher against a real Mosquitto broker started by the test, watched by
/// `mosquitto_sub`: every part arrives, once after de-duplication by part id, in order, with
/// payloads valid against docs/mqtt/*.schema.json, through a broker restart; wrong credentials
/// and an absent broker are logged clearly and retried without a secret in any line.
final class OutboxPublisherBrokerTests: XCTestCase {
    private let prefix = "test-plant"
    private var topics: StationTopics { StationTopics(prefix: prefix, line: "line-a", station: "st-1") }

    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    private func makePublisher(journal path: String, broker port: Int, user: String? = nil, password: String? = nil,
                               logs: LogCapture = LogCapture()) throws -> OutboxPublisher {
        let client = MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "station-\(UUID().uuidString.prefix(8))",
                                       keepaliveSeconds: 5, username: user, password: password,
                                       backoff: ReconnectBackoff(base: 0.1, cap: 0.4, minimum: 0.05))
        let status = StatusMessage(state: .online, line: "line-a", station: "st-1", version: "0.1.0-test", recipe: "bottle",
                                   modelID: "sha256:0a1b", startedAt: Date())
        return try OutboxPublisher(journalPath: path, client: client, topics: topics, status: status,
                                   options: OutboxPublisher.Options(pollSeconds: 0.1), logger: logs.logger)
    }

    private func waitForSubscription(_ subscriber: MosquittoSubscriber, broker: MosquittoBroker) {
        XCTAssertTrue(eventually(5) { subscriber.isSubscribed }, "mosquitto_sub never subscribed:\n\(broker.log)")
    }

    /// The part ids of the result messages, in arrival order, and their payloads.
    private func results(_ subscriber: MosquittoSubscriber) -> [(id: Int64, payload: String)] {
        subscriber.messages(under: topics.result).compactMap { message in
            guard let object = try? JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any],
                  let id = (object["part_id"] as? NSNumber)?.int64Value else { return nil }
            return (id, message.payload)
        }
    }

    /// Every id of `expected` once after de-duplication, first arrivals in increasing order.
    private func assertComplete(_ received: [Int64], expected: ClosedRange<Int64>, file: StaticString = #filePath, line: UInt = #line) {
        var seen = Set<Int64>(), firstArrivals: [Int64] = []
        for id in received where seen.insert(id).inserted { firstArrivals.append(id) }
        XCTAssertEqual(firstArrivals, Array(expected), "every part once, in order, after de-duplication", file: file, line: line)
    }

    func testBacklogDrainsInOrderWithValidPayloadsAndStatus() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.wildcard)
        waitForSubscription(subscriber, broker: broker)

        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...150), outbox: [.part])
        try journal.append([], events: [JournalEvent(kind: .lifecycle, component: "line", message: "line started")], outbox: [.event])
        let publisher = try makePublisher(journal: path, broker: broker.port)
        publisher.start()

        XCTAssertTrue(eventually(10) { Set(self.results(subscriber).map(\.id)).count == 150 },
                      "results received: \(results(subscriber).count)\n\(broker.log.suffix(2000))")
        XCTAssertTrue(eventually(5) { (try? journal.pendingCount()) == 0 }, "the outbox drains once the broker acknowledges")
        XCTAssertTrue(eventually(3) { publisher.counters.backlog == 0 })
        let received = results(subscriber)
        assertComplete(received.map(\.id), expected: 1...150)
        XCTAssertEqual(try schemaProblems(received.map(\.payload), schema: "result"), [])
        // Decided long before they were sent (a fixed 2026 date): historical.
        XCTAssertTrue(received.allSatisfy { $0.payload.contains("\"historical\":true") })

        let events = subscriber.messages(under: topics.event).map(\.payload)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(try schemaProblems(events, schema: "event"), [])

        publisher.stop()
        XCTAssertTrue(eventually(3) { subscriber.messages(under: self.topics.status).count >= 2 })
        let statuses = subscriber.messages(under: topics.status).map(\.payload)
        XCTAssertEqual(try schemaProblems(statuses, schema: "status"), [])
        XCTAssertTrue(statuses.first?.contains("\"state\":\"online\"") ?? false, "\(statuses)")
        XCTAssertTrue(statuses.last?.contains("\"state\":\"offline\"") ?? false, "\(statuses)")
        XCTAssertTrue(statuses.last?.contains("\"reason\":\"stopped\"") ?? false, "\(statuses)")
        let counters = publisher.counters
        XCTAssertEqual(counters.acknowledged, 151)
        XCTAssertFalse(counters.connected)
        XCTAssertEqual(counters.lost, 0)

        // Retained: a client arriving later still learns that the station is offline.
        let late = try MosquittoSubscriber(broker: broker, topic: topics.status)
        XCTAssertTrue(eventually(3) { late.messages(under: self.topics.status).count == 1 })
        XCTAssertTrue(late.messages(under: topics.status).first?.payload.contains("\"offline\"") ?? false)
    }

    /// The broker goes away for about two seconds while parts keep being decided; when it is
    /// back the backlog drains and the subscriber has every part, in order.
    func testBrokerRestartLosesNothing() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let subscriberID = "scada-restart"
        var subscriber = try MosquittoSubscriber(broker: broker, topic: topics.result, clientID: subscriberID)
        waitForSubscription(subscriber, broker: broker)

        let path = directory.appendingPathComponent("journal.sqlite").path
        let publisher = try makePublisher(journal: path, broker: broker.port)
        let writer = try JournalWriter(path: path, onCommit: { _ in publisher.wake() })
        publisher.start()

        // The line: 240 parts at about 80 a second, never waiting on the broker.
        let total: Int64 = 240
        let line = Thread {
            for id in 1...total {
                writer.submit(SampleParts.part(id, decidedAt: Date()))
                usleep(12_000)
            }
        }
        line.start()
        usleep(700_000)
        broker.stop()
        XCTAssertTrue(eventually(3) { !publisher.counters.connected })
        usleep(2_000_000)
        try broker.start()
        // mosquitto_sub may have given up while the broker was away: the same client id picks
        // up its persistent session, with the messages queued for it.
        var earlier: [(id: Int64, payload: String)] = []
        usleep(300_000)
        if !subscriber.isRunning {
            earlier = results(subscriber)
            subscriber = try MosquittoSubscriber(broker: broker, topic: topics.result, clientID: subscriberID,
                                                 outputName: "\(subscriberID)-2")
        }
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertTrue(eventually(10) { Set((earlier + self.results(subscriber)).map(\.id)).count == Int(total) },
                      "received \(Set((earlier + results(subscriber)).map(\.id)).count) of \(total)\n\(broker.log.suffix(3000))")
        let reader = try Journal(path: path)
        XCTAssertTrue(eventually(5) { (try? reader.pendingCount()) == 0 }, "the backlog drains")
        assertComplete((earlier + results(subscriber)).map(\.id), expected: 1...total)
        XCTAssertGreaterThanOrEqual(publisher.counters.connects, 2)
        publisher.stop()
        writer.close()
    }

    func testWrongPasswordIsLoggedWithoutTheSecretAndRetried() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory, user: "station", password: "right-secret-4711")
        try broker.start()
        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...5), outbox: [.part])
        let logs = LogCapture()
        let publisher = try makePublisher(journal: path, broker: broker.port, user: "station", password: "wrong-secret-0815",
                                          logs: logs)
        publisher.start()
        XCTAssertTrue(eventually(5) { logs.lines.filter { $0.contains("refused the connection") }.count >= 1 },
                      "\(logs.lines)")
        usleep(500_000)
        // The line keeps deciding: the journal takes parts while the publisher retries.
        try journal.append(SampleParts.parts(6...10), outbox: [.part])
        XCTAssertFalse(publisher.counters.connected)
        XCTAssertEqual(try journal.pendingCount(), 10)
        let start = Date()
        publisher.stop()
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "stopping does not wait on a broker that refuses")
        let refusal = try XCTUnwrap(logs.lines.first { $0.contains("refused the connection") })
        XCTAssertTrue(refusal.contains("127.0.0.1:\(broker.port)"), refusal)
        XCTAssertTrue(refusal.contains("retrying"), refusal)
        XCTAssertFalse(logs.lines.contains { $0.contains("wrong-secret-0815") || $0.contains("right-secret-4711") },
                       "no secret in any log line")
    }

    /// No broker when the appliance starts: a clear error, back-off, and publishing as soon as
    /// the broker appears.
    func testBrokerAbsentAtStartThenArrives() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...20), outbox: [.part])
        let logs = LogCapture()
        let publisher = try makePublisher(journal: path, broker: broker.port, logs: logs)
        publisher.start()
        XCTAssertTrue(eventually(3) { logs.contains("cannot reach the MQTT broker at 127.0.0.1:\(broker.port)") }, "\(logs.lines)")
        XCTAssertTrue(logs.contains("retrying"))
        try broker.start()
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.status)
        XCTAssertTrue(eventually(5) { (try? journal.pendingCount()) == 0 }, "\(logs.lines)")
        XCTAssertTrue(eventually(3) { subscriber.messages(under: self.topics.status).first?.payload.contains("online") ?? false })
        XCTAssertTrue(logs.contains("connected to the MQTT broker"))
        publisher.stop()
    }
}
