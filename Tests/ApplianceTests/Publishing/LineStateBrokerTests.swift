import Capture
import EagleLog
import Foundation
import Inspection
import Publish
import Synchronization
import TestFixtures
import XCTest

@testable import Appliance

/// The `counters` and `health` topics against a real broker, watched by `mosquitto_sub`:
/// counters every interval with the line's figures, health retained and published only when a
/// component's state changes, the publisher's own component degraded while the broker is away.
final class LineStateBrokerTests: XCTestCase {
    private let topics = StationTopics(prefix: "test-plant", line: "line-a", station: "st-1")

    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    /// A line status a test sets, read by the publisher thread.
    final class StatusBox: @unchecked Sendable {
        private let status: Mutex<LineStatus>
        init(_ status: LineStatus) { self.status = Mutex(status) }
        var value: LineStatus {
            get { status.withLock { $0 } }
            set { status.withLock { $0 = newValue } }
        }
    }

    private func lineStatus(parts: Int, camera: CaptureHealth = .streaming) -> LineStatus {
        var counters = LineCounters()
        var latency = LatencyHistogram()
        for id in 1...max(parts, 1) where id <= parts {
            let part = SampleParts.part(Int64(id))
            counters.count(part)
            if let total = part.timings.totalMs { latency.record(total) }
        }
        counters.capture.droppedBusy = 3
        return LineStatus(uptime: 12.5, counters: counters, latency: latency, partsPerSecond: 30, recentP99Ms: nil,
                          camera: camera.name, resources: LineStatus.Resources(cpuPercent: 10),
                          health: LineHealth(camera: camera, expertFailure: nil, journalProblem: nil), archive: nil)
    }

    private func makePublisher(journal path: String, port: Int, logs: LogCapture, interval: Double) throws -> OutboxPublisher {
        let client = MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "station-\(UUID().uuidString.prefix(8))",
                                       keepaliveSeconds: 5, backoff: ReconnectBackoff(base: 0.1, cap: 0.4, minimum: 0.05))
        let status = StatusMessage(state: .online, line: "line-a", station: "st-1", version: "0.1.0-test", recipe: "bottle",
                                   modelID: "sha256:0a1b", startedAt: Date())
        return try OutboxPublisher(journalPath: path, client: client, topics: topics, status: status,
                                   options: OutboxPublisher.Options(pollSeconds: 0.1, countersIntervalSeconds: interval),
                                   logger: logs.logger)
    }

    private func objects(_ messages: [(topic: String, payload: String)]) -> [[String: Any]] {
        messages.compactMap { try? JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any] }
    }

    func testCountersCarryTheLineFiguresAndHealthIsPublishedOnChangeOnly() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.wildcard)
        XCTAssertTrue(eventually(5) { subscriber.isSubscribed })

        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...40), outbox: [.part])
        let box = StatusBox(lineStatus(parts: 40))
        let publisher = try makePublisher(journal: path, port: broker.port, logs: LogCapture(), interval: 0.3)
        publisher.report { box.value }
        publisher.start()

        XCTAssertTrue(eventually(10) { subscriber.messages(under: self.topics.counters).count >= 3 }, broker.log.suffix(2000).description)
        XCTAssertTrue(eventually(5) { (try? journal.pendingCount()) == 0 })
        // The camera is lost, then back: two changes, two more health messages.
        let healthBefore = subscriber.messages(under: topics.health).count
        XCTAssertEqual(healthBefore, 1, "one health message on connect, none while nothing changes")
        box.value = lineStatus(parts: 40, camera: .cameraLost(reason: "ENODEV"))
        XCTAssertTrue(eventually(5) { subscriber.messages(under: self.topics.health).count == 2 })
        box.value = lineStatus(parts: 45)
        XCTAssertTrue(eventually(5) { subscriber.messages(under: self.topics.health).count == 3 })
        // Several counters intervals without a change: no further health message.
        let counted = subscriber.messages(under: topics.counters).count
        XCTAssertTrue(eventually(5) { subscriber.messages(under: self.topics.counters).count >= counted + 3 })
        XCTAssertEqual(subscriber.messages(under: topics.health).count, 3)
        publisher.stop()

        let counters = subscriber.messages(under: topics.counters).map(\.payload)
        XCTAssertEqual(try schemaProblems(counters, schema: "counters"), [])
        let last = try XCTUnwrap(objects(subscriber.messages(under: topics.counters)).last)
        let parts = try XCTUnwrap(last["parts"] as? [String: Any])
        let expected = lineStatus(parts: 45).counters
        XCTAssertEqual((parts["total"] as? NSNumber)?.uint64Value, expected.parts)
        XCTAssertEqual((parts["pass"] as? NSNumber)?.uint64Value, expected.passed)
        XCTAssertEqual((parts["reject"] as? NSNumber)?.uint64Value, expected.rejected)
        XCTAssertEqual((parts["unsure"] as? NSNumber)?.uint64Value, expected.unsure)
        XCTAssertEqual((parts["not_inspected"] as? [String: Any])?["over_budget"] as? NSNumber, NSNumber(value: expected.notInspected[.overBudget] ?? 0))
        XCTAssertEqual((last["drops"] as? [String: Any])?["busy"] as? NSNumber, 3)
        XCTAssertNotNil(last["latency_ms"])
        let mqtt = try XCTUnwrap(last["mqtt"] as? [String: Any])
        XCTAssertEqual((mqtt["acknowledged"] as? NSNumber)?.intValue, 40, "the results; state messages are not counted")
        XCTAssertEqual((mqtt["backlog"] as? NSNumber)?.intValue, 0)

        let health = subscriber.messages(under: topics.health).map(\.payload)
        XCTAssertEqual(try schemaProblems(health, schema: "health"), [])
        let states = objects(subscriber.messages(under: topics.health)).map { $0["overall"] as? String }
        XCTAssertEqual(states, ["ok", "failed", "ok"])
        let lost = try XCTUnwrap(objects(subscriber.messages(under: topics.health))[1]["components"] as? [[String: Any]])
        XCTAssertEqual(lost.first { $0["name"] as? String == "camera" }?["state"] as? String, "failed")
        XCTAssertEqual(lost.first { $0["name"] as? String == "mqtt" }?["state"] as? String, "ok")

        // Retained: a client arriving later gets the current health at once.
        let late = try MosquittoSubscriber(broker: broker, topic: topics.health)
        XCTAssertTrue(eventually(3) { late.messages(under: self.topics.health).count == 1 })
        XCTAssertTrue(late.messages(under: topics.health).first?.payload.contains("\"overall\":\"ok\"") ?? false)
    }

    /// No broker: the publisher's component is degraded with the reason and the backlog grows;
    /// once the broker is there the health published says ok.
    func testThePublisherIsDegradedWhileTheBrokerIsAwayAndItsBacklogShows() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...10), outbox: [.part])
        let box = StatusBox(lineStatus(parts: 10))
        let publisher = try makePublisher(journal: path, port: broker.port, logs: LogCapture(), interval: 60)
        publisher.report { box.value }
        publisher.start()
        XCTAssertTrue(eventually(5) { publisher.health.state == .degraded && publisher.health.backlog == 10 }, "\(publisher.health)")
        let away = publisher.health
        XCTAssertTrue(away.detail?.contains("cannot reach the MQTT broker at 127.0.0.1:\(broker.port)") ?? false, "\(away)")
        XCTAssertNotNil(away.oldestAgeSeconds)
        var health = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil, others: [away])
        XCTAssertEqual(health.overall, .degraded)
        XCTAssertTrue(health.problems.contains("mqtt degraded (cannot reach"), health.problems)
        XCTAssertTrue(health.problems.contains("backlog 10"), health.problems)

        try broker.start()
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.health)
        XCTAssertTrue(eventually(5) { (try? journal.pendingCount()) == 0 })
        XCTAssertTrue(eventually(5) { publisher.health.state == .ok && publisher.health.backlog == 0 }, "\(publisher.health)")
        health = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil, others: [publisher.health])
        XCTAssertEqual(health.overall, .ok)
        XCTAssertTrue(eventually(5) {
            subscriber.messages(under: self.topics.health).last?.payload.contains("\"overall\":\"ok\"") ?? false
        }, "\(subscriber.messages(under: topics.health))")
        publisher.stop()
    }
}
