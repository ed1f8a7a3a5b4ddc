import Foundation
import TestFixtures
import XCTest

/// `eagle-edge check-config --probe` as an installer runs it: a report per step on stdout, and
/// the exit status says whether the broker can be used.
final class CheckConfigProbeTests: XCTestCase {
    override func setUpWithError() throws {
        try MosquittoBroker.skipUnlessInstalled()
    }

    private func writeConfig(_ directory: URL, port: Int) throws -> String {
        let path = directory.appendingPathComponent("eagle-edge.yaml").path
        try """
            line:
              name: line-a
              station: st-1
            mqtt:
              enabled: true
              host: 127.0.0.1
              port: \(port)
              topic_prefix: test-plant
              username: station
              password_env: EAGLE_TEST_MQTT_PASSWORD

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testProbeReportsEachStepAndFailsOnAWrongPassword() throws {
        let directory = try scratch()
        let broker = try MosquittoBroker(directory: directory, user: "station", password: "probe-right-1")
        try broker.start()
        let config = try writeConfig(directory, port: broker.port)

        let good = try EagleEdgeProcess.run(["check-config", config, "--probe", "--quiet"],
                                            environment: ["EAGLE_TEST_MQTT_PASSWORD": "probe-right-1"])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("mqtt 127.0.0.1:\(broker.port): ok"), good.stdout)
        for step in ["dns", "tcp", "auth", "publish"] {
            XCTAssertTrue(good.stdout.contains("ok     \(step)"), "\(step): \(good.stdout)")
        }

        let bad = try EagleEdgeProcess.run(["check-config", config, "--probe", "--quiet"],
                                           environment: ["EAGLE_TEST_MQTT_PASSWORD": "probe-wrong-2"])
        XCTAssertEqual(bad.status, 1, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("FAILED auth"), bad.stdout)
        XCTAssertTrue(bad.stderr.contains("probe failed: mqtt"), bad.stderr)
        XCTAssertFalse((bad.stdout + bad.stderr).contains("probe-wrong-2") || (bad.stdout + bad.stderr).contains("probe-right-1"))

        broker.stop()
        let absent = try EagleEdgeProcess.run(["check-config", config, "--probe", "--quiet", "--timeout", "2"],
                                              environment: ["EAGLE_TEST_MQTT_PASSWORD": "probe-right-1"])
        XCTAssertEqual(absent.status, 1)
        XCTAssertTrue(absent.stdout.contains("FAILED tcp"), absent.stdout)
    }
}
