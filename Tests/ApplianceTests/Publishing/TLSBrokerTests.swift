import EagleLog
import Foundation
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// The publisher over TLS against a real Mosquitto TLS listener, with certificates made by
/// openssl for each test: the right CA works (TLS 1.2 and 1.3), a wrong CA and a certificate
/// that does not name the host fail with a clear error and back-off while the journal keeps
/// taking parts, and a listener that requires client certificates takes ours and refuses
/// a client without one.
final class TLSBrokerTests: XCTestCase {
    private let topics = StationTopics(prefix: "test-plant", line: "line-a", station: "st-1")

    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    private struct Setup {
        let broker: MosquittoBroker
        let certificates: TestCertificates
        let journal: Journal
        let path: String
    }

    private func makeSetup(require clientCertificate: Bool = false, mismatch: Bool = false, minimumVersion: String? = nil) throws -> Setup {
        let directory = try journalDirectory()
        let certificates = try TestCertificates(in: directory)
        let listener = MosquittoBroker.TLSListener(
            caFile: certificates.caFile,
            certificate: mismatch ? certificates.mismatchCertificate : certificates.serverCertificate,
            key: mismatch ? certificates.mismatchKey : certificates.serverKey,
            requireClientCertificate: clientCertificate, minimumVersion: minimumVersion)
        let broker = try MosquittoBroker(directory: directory, tls: listener)
        try broker.start()
        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        try journal.append(SampleParts.parts(1...10), outbox: [.part])
        return Setup(broker: broker, certificates: certificates, journal: journal, path: path)
    }

    private func publisher(_ setup: Setup, host: String = "127.0.0.1", caFile: String? = nil, certFile: String? = nil,
                           keyFile: String? = nil, logs: LogCapture) throws -> OutboxPublisher {
        let client = MQTTClientOptions(host: host, port: setup.broker.tlsPort ?? 0, clientID: "station-\(UUID().uuidString.prefix(8))",
                                       keepaliveSeconds: 5, caFile: caFile ?? setup.certificates.caFile,
                                       certFile: certFile, keyFile: keyFile,
                                       backoff: ReconnectBackoff(base: 0.1, cap: 0.4, minimum: 0.05))
        let status = StatusMessage(state: .online, line: "line-a", station: "st-1", version: "0.1.0-test", recipe: "bottle",
                                   modelID: nil, startedAt: Date())
        return try OutboxPublisher(journalPath: setup.path, client: client, topics: topics, status: status,
                                   options: OutboxPublisher.Options(pollSeconds: 0.1), logger: logs.logger)
    }

    /// Fails to connect with `expected` in the logged error, retries, and the journal keeps
    /// taking parts meanwhile.
    private func assertRefused(_ setup: Setup, _ publisher: OutboxPublisher, logs: LogCapture, expected: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        publisher.start()
        XCTAssertTrue(eventually(5) { logs.contains(expected) }, "\(logs.lines)", file: file, line: line)
        XCTAssertTrue(eventually(5) { logs.lines.filter { $0.contains("TLS handshake") }.count >= 1 && publisher.counters.problem != nil },
                      file: file, line: line)
        let failure = try XCTUnwrap(logs.lines.first { $0.contains(expected) }, file: file, line: line)
        XCTAssertTrue(failure.contains("the TLS handshake with the MQTT broker at"), failure, file: file, line: line)
        XCTAssertTrue(failure.contains("retrying with back-off"), failure, file: file, line: line)
        try setup.journal.append(SampleParts.parts(11...15), outbox: [.part])
        XCTAssertFalse(publisher.counters.connected, file: file, line: line)
        XCTAssertEqual(try setup.journal.pendingCount(), 15, "nothing delivered, nothing lost", file: file, line: line)
        XCTAssertEqual(publisher.health.state, .degraded, file: file, line: line)
        publisher.stop()
    }

    func testTheRightCAConnectsByAddressAndByName() throws {
        let setup = try makeSetup()
        for host in ["127.0.0.1", "localhost"] {
            try setup.journal.append([SampleParts.part(host == "localhost" ? 20 : 19)], outbox: [.part])
            let logs = LogCapture()
            let publisher = try publisher(setup, host: host, logs: logs)
            publisher.start()
            XCTAssertTrue(eventually(10) { (try? setup.journal.pendingCount()) == 0 }, "\(host): \(logs.lines)\n\(setup.broker.log.suffix(1500))")
            XCTAssertTrue(publisher.counters.connected)
            publisher.stop()
        }
    }

    func testATLS13OnlyListenerIsReached() throws {
        // The client asks for TLS 1.2 or newer, not exactly 1.2.
        let setup = try makeSetup(minimumVersion: "tlsv1.3")
        let logs = LogCapture()
        let publisher = try publisher(setup, logs: logs)
        publisher.start()
        XCTAssertTrue(eventually(10) { (try? setup.journal.pendingCount()) == 0 }, "\(logs.lines)\n\(setup.broker.log.suffix(1500))")
        publisher.stop()
    }

    func testAWrongCAFailsClearlyAndBacksOff() throws {
        let setup = try makeSetup()
        let logs = LogCapture()
        let publisher = try publisher(setup, caFile: setup.certificates.otherCAFile, logs: logs)
        try assertRefused(setup, publisher, logs: logs, expected: "certificate verify failed")
        XCTAssertTrue(logs.contains("is not signed by mqtt.tls.ca_file"), "\(logs.lines)")
    }

    func testACertificateThatDoesNotNameTheHostIsRefused() throws {
        let setup = try makeSetup(mismatch: true)
        let logs = LogCapture()
        let publisher = try publisher(setup, logs: logs)
        try assertRefused(setup, publisher, logs: logs, expected: "certificate verify failed")
        XCTAssertTrue(logs.contains("does not name 127.0.0.1"), "\(logs.lines)")
    }

    func testAListenerRequiringClientCertificatesTakesOursAndRefusesNone() throws {
        let setup = try makeSetup(require: true)
        let logs = LogCapture()
        let without = try publisher(setup, logs: logs)
        without.start()
        XCTAssertTrue(eventually(5) { without.counters.problem != nil }, "\(logs.lines)")
        XCTAssertFalse(without.counters.connected)
        XCTAssertEqual(try setup.journal.pendingCount(), 10)
        without.stop()

        let withCertificate = try publisher(setup, certFile: setup.certificates.clientCertificate,
                                            keyFile: setup.certificates.clientKey, logs: LogCapture())
        withCertificate.start()
        XCTAssertTrue(eventually(10) { (try? setup.journal.pendingCount()) == 0 }, setup.broker.log.suffix(1500).description)
        withCertificate.stop()
    }
}
