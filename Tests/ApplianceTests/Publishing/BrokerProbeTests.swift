import Foundation
import TestFixtures
import XCTest

@testable import Appliance

/// `check-config --probe`'s broker check against real Mosquitto brokers: each step says what
/// works, and a failure names the step and the reason (no listener, bad password, a CA that
/// did not sign the broker's certificate, a host name the certificate does not carry, an ACL
/// that denies publishing).
final class BrokerProbeTests: XCTestCase {
    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    private func config(port: Int, user: String? = nil, password: String? = nil, caFile: String? = nil,
                        host: String = "127.0.0.1", version: MQTTConfig.ProtocolVersion = .v5) -> ApplianceConfig {
        var config = ApplianceConfig()
        config.line.name = "line-a"
        config.line.station = "st-1"
        config.mqtt = MQTTConfig(enabled: true, host: host, port: port, topicPrefix: "test-plant", protocolVersion: version,
                                 username: user, password: password.map { Secret($0, source: .environment("EAGLE_TEST_MQTT")) },
                                 tls: MQTTConfig.TLS(caFile: caFile))
        return config
    }

    private func outcomes(_ check: ConnectionCheck) -> [String] {
        check.steps.map { "\($0.name) \($0.outcome.rawValue)" }
    }

    private func detail(_ check: ConnectionCheck, _ step: String) -> String {
        check.steps.first { $0.name == step }?.detail ?? "no \(step) step"
    }

    func testEveryStepPassesAgainstAWillingBroker() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory, user: "station", password: "s3cret-probe")
        try broker.start()
        let check = ConnectionCheck.mqtt(config(port: broker.port, user: "station", password: "s3cret-probe", host: "localhost"))
        XCTAssertTrue(check.passed, check.report)
        XCTAssertEqual(outcomes(check), ["dns ok", "tcp ok", "tls skipped", "auth ok", "publish ok"], check.report)
        XCTAssertTrue(detail(check, "dns").contains("127.0.0.1"), check.report)
        XCTAssertTrue(detail(check, "publish").contains("test-plant/line-a/st-1/probe"), check.report)
        XCTAssertFalse(check.report.contains("s3cret-probe"), "no secret in the report")
        // The probe's own client id: a running station would not be knocked off.
        XCTAssertTrue(broker.log.contains("eagle-edge-line-a-st-1-probe"), broker.log.suffix(1000).description)
    }

    func testAnAbsentBrokerFailsAtTCP() throws {
        let port = try MosquittoBroker.freePort()
        let check = ConnectionCheck.mqtt(config(port: port))
        XCTAssertFalse(check.passed)
        XCTAssertEqual(outcomes(check), ["dns ok", "tcp failed", "tls skipped", "auth skipped", "publish skipped"], check.report)
        XCTAssertTrue(detail(check, "tcp").contains("Connection refused"), check.report)
        XCTAssertTrue(detail(check, "tcp").contains("is the broker running?"), check.report)
    }

    func testAnUnknownHostFailsAtDNS() throws {
        let check = ConnectionCheck.mqtt(config(port: 1883, host: "no-such-broker.invalid"))
        XCTAssertEqual(outcomes(check).first, "dns failed", check.report)
        XCTAssertTrue(detail(check, "dns").contains("cannot resolve no-such-broker.invalid"), check.report)
    }

    func testAWrongPasswordFailsAtAuthWithoutShowingIt() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory, user: "station", password: "right-secret-4711")
        try broker.start()
        let check = ConnectionCheck.mqtt(config(port: broker.port, user: "station", password: "wrong-secret-0815"))
        XCTAssertEqual(outcomes(check), ["dns ok", "tcp ok", "tls skipped", "auth failed", "publish skipped"], check.report)
        XCTAssertTrue(detail(check, "auth").contains("the broker refused the connection"), check.report)
        XCTAssertFalse(check.report.contains("secret-"), check.report)
    }

    func testAWrongCAAndAHostNameMismatchFailAtTLSAndSayWhich() throws {
        let directory = try journalDirectory()
        let certificates = try TestCertificates(in: directory)
        let broker = try MosquittoBroker(directory: directory, tls: MosquittoBroker.TLSListener(
            caFile: certificates.caFile, certificate: certificates.serverCertificate, key: certificates.serverKey))
        try broker.start()
        let port = try XCTUnwrap(broker.tlsPort)

        let right = ConnectionCheck.mqtt(config(port: port, caFile: certificates.caFile))
        XCTAssertEqual(outcomes(right), ["dns ok", "tcp ok", "tls ok", "auth ok", "publish ok"], right.report)

        let wrongCA = ConnectionCheck.mqtt(config(port: port, caFile: certificates.otherCAFile))
        XCTAssertEqual(outcomes(wrongCA), ["dns ok", "tcp ok", "tls failed", "auth skipped", "publish skipped"], wrongCA.report)
        XCTAssertTrue(detail(wrongCA, "tls").contains("does not verify against \(certificates.otherCAFile)"), wrongCA.report)

        let mismatchDirectory = try journalDirectory()
        let mismatch = try MosquittoBroker(directory: mismatchDirectory, tls: MosquittoBroker.TLSListener(
            caFile: certificates.caFile, certificate: certificates.mismatchCertificate, key: certificates.mismatchKey))
        try mismatch.start()
        let misnamed = ConnectionCheck.mqtt(config(port: try XCTUnwrap(mismatch.tlsPort), caFile: certificates.caFile))
        XCTAssertEqual(outcomes(misnamed).prefix(3), ["dns ok", "tcp ok", "tls failed"], misnamed.report)
        XCTAssertTrue(detail(misnamed, "tls").contains("does not name 127.0.0.1 (host name mismatch)"), misnamed.report)

        // A plain client on the TLS port: the broker hangs up without a CONNACK.
        let plain = ConnectionCheck.mqtt(config(port: port))
        XCTAssertEqual(outcomes(plain).prefix(4), ["dns ok", "tcp ok", "tls skipped", "auth failed"], plain.report)
    }

    func testAPublishDeniedByTheACLFailsWithItsReasonCode() throws {
        let directory = try journalDirectory()
        let acl = """
            user station
            topic read test-plant/#

            """
        let broker = try MosquittoBroker(directory: directory, user: "station", password: "acl-pass", acl: acl)
        try broker.start()
        let check = ConnectionCheck.mqtt(config(port: broker.port, user: "station", password: "acl-pass"))
        XCTAssertEqual(outcomes(check), ["dns ok", "tcp ok", "tls skipped", "auth ok", "publish failed"], check.report)
        XCTAssertTrue(detail(check, "publish").contains("0x87"), check.report)
        XCTAssertTrue(detail(check, "publish").contains("ACL"), check.report)
    }
}
