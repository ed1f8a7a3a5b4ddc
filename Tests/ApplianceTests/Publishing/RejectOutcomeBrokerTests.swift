import Actuate
import EagleLog
import Foundation
import Inspection
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// The reject actuator's outcomes through the journal writer, the outbox and a real Mosquitto
/// broker to `mosquitto_sub`: one `.../reject` message per outcome, in order, each after its
/// part's result, valid against docs/mqtt/reject.schema.json.
final class RejectOutcomeBrokerTests: XCTestCase {
    private var topics: StationTopics { StationTopics(prefix: "test-plant", line: "line-a", station: "st-1") }

    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    private func makePublisher(journal path: String, broker port: Int) throws -> OutboxPublisher {
        let client = MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "station-\(UUID().uuidString.prefix(8))",
                                       keepaliveSeconds: 5, backoff: ReconnectBackoff(base: 0.1, cap: 0.4, minimum: 0.05))
        let status = StatusMessage(state: .online, line: "line-a", station: "st-1", version: "0.1.0-test", recipe: "bottle",
                                   modelID: "sha256:0a1b", startedAt: Date())
        return try OutboxPublisher(journalPath: path, client: client, topics: topics, status: status,
                                   options: OutboxPublisher.Options(pollSeconds: 0.1), logger: LogCapture().logger)
    }

    /// The outcome the test's actuator gives part `id`: every kind in turn, a pulse's error for those that fired.
    private func outcome(_ id: Int64) -> RejectResult {
        let outcome = RejectOutcome.allCases[Int(id) % RejectOutcome.allCases.count]
        let fired = outcome == .rejected || outcome == .failSafeRejected
        return RejectResult(id: PartID(rawValue: id), outcome: outcome, timingErrorNanoseconds: fired ? id * 10_000 - 200_000 : nil)
    }

    private func json(_ payload: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]) ?? [:]
    }

    func testEachOutcomeIsPublishedOnceInOrderAfterItsResult() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let subscriber = try MosquittoSubscriber(broker: broker, topic: topics.wildcard)
        XCTAssertTrue(eventually(5) { subscriber.isSubscribed }, "mosquitto_sub never subscribed:\n\(broker.log)")

        let path = directory.appendingPathComponent("journal.sqlite").path
        let publisher = try makePublisher(journal: path, broker: broker.port)
        let writer = try JournalWriter(path: path, options: JournalWriter.Options(outbox: [.part, .reject, .event]),
                                       onCommit: { _ in publisher.wake() })
        publisher.start()

        // The line: parts decided one after another, each reaching the actuator five parts
        // later; the last part's outcome is submitted before its record, as a late verdict does.
        let total: Int64 = 80, travel: Int64 = 5
        for id in 1...total - 1 {
            writer.submit(SampleParts.part(id, decidedAt: Date()))
            if id > travel { writer.submit(outcome(id - travel)) }
            if id % 10 == 0 { usleep(20_000) }
        }
        writer.submit(outcome(total))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        writer.submit(SampleParts.part(total, decidedAt: Date()))
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        for id in total - travel...total - 1 { writer.submit(outcome(id)) }
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))

        let reader = try Journal(path: path)
        XCTAssertTrue(eventually(10) { (try? reader.pendingCount()) == 0 },
                      "outbox still owes \((try? reader.pendingCount()) ?? -1)\n\(broker.log.suffix(2000))")
        XCTAssertTrue(eventually(5) { subscriber.messages(under: self.topics.reject).count >= Int(total) })
        publisher.stop()
        writer.close()

        let rejects = subscriber.messages(under: topics.reject).map(\.payload)
        XCTAssertEqual(try schemaProblems(rejects, schema: "reject"), [])
        let received = rejects.map(json)
        // No reconnect here, so no duplicate either: exactly one message per outcome.
        XCTAssertEqual(received.count, Int(total))
        // Commit order: the late part's outcome waited for its row and was queued with it,
        // before the outcomes of the five parts still travelling then.
        let expectedOrder = Array(1...total - travel - 1) + [total] + Array(total - travel...total - 1)
        XCTAssertEqual(received.compactMap { ($0["part_id"] as? NSNumber)?.int64Value }, expectedOrder)
        for message in received {
            guard let id = (message["part_id"] as? NSNumber)?.int64Value else { continue }
            let expected = outcome(id)
            XCTAssertEqual(message["outcome"] as? String, expected.outcome.rawValue, "part \(id)")
            if let milliseconds = expected.timingErrorMs {
                XCTAssertEqual((message["timing_error_ms"] as? NSNumber)?.doubleValue ?? .nan, milliseconds, accuracy: 1e-9, "part \(id)")
            } else {
                XCTAssertTrue(message["timing_error_ms"] is NSNull, "part \(id): \(message)")
            }
            XCTAssertEqual(message["line"] as? String, "line-a")
            XCTAssertEqual(message["station"] as? String, "st-1")
        }

        // Each outcome after its part's result, on the one ordered connection.
        let stream = subscriber.messages(under: topics.root).compactMap { message -> (String, Int64)? in
            guard let id = (json(message.payload)["part_id"] as? NSNumber)?.int64Value else { return nil }
            return (message.topic, id)
        }
        for id in 1...total {
            let result = stream.firstIndex { $0.0 == topics.result && $0.1 == id }
            let reject = stream.firstIndex { $0.0 == topics.reject && $0.1 == id }
            XCTAssertNotNil(result, "part \(id) has a result")
            XCTAssertLessThan(result ?? .max, reject ?? .min, "part \(id): result before its reject outcome")
        }
        XCTAssertEqual(try reader.rejectOutcomes().count, Int(total))
    }
}
