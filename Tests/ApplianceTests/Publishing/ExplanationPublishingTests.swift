import EagleLog
import Explain
import Foundation
import Inspection
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// Explanations reach a real Mosquitto broker on `.../explanation`, one per flagged part,
/// in a shape the documented schema accepts.
final class ExplanationPublishingTests: XCTestCase {
    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    func testExplanationsArePublishedOnTheirTopic() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let topics = StationTopics(prefix: "test-plant", line: "line-a", station: "st-1")
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.wildcard)
        XCTAssertTrue(eventually(5) { subscriber.isSubscribed })

        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...4), outbox: [.part])
        for record in ExplanationJournalTests.records { try journal.append(record, publish: true) }
        let client = MQTTClientOptions(host: "127.0.0.1", port: broker.port, clientID: "station-\(UUID().uuidString.prefix(8))",
                                       keepaliveSeconds: 5, backoff: ReconnectBackoff(base: 0.1, cap: 0.4, minimum: 0.05))
        let status = StatusMessage(state: .online, line: "line-a", station: "st-1", version: "0.1.0-test", recipe: "bottle",
                                   modelID: "m", startedAt: Date())
        let publisher = try OutboxPublisher(journalPath: path, client: client, topics: topics, status: status,
                                            options: OutboxPublisher.Options(pollSeconds: 0.1), logger: LogCapture().logger)
        publisher.start()
        defer { publisher.stop() }
        XCTAssertTrue(eventually(10) { subscriber.messages(under: topics.explanation).count >= 4 }, broker.log.suffix(2000).description)
        XCTAssertTrue(eventually(5) { (try? journal.pendingCount()) == 0 })
        let payloads = subscriber.messages(under: topics.explanation).map(\.payload)
        XCTAssertEqual(try schemaProblems(payloads, schema: "explanation"), [])
        let ids = payloads.compactMap { payload in
            (try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])?["part_id"] as? Int
        }
        XCTAssertEqual(Array(Set(ids)).sorted(), [1, 2, 3, 4])
        XCTAssertTrue(payloads.contains { $0.contains(#""status":"not_explained""#) && $0.contains("queue full") })
    }
}
