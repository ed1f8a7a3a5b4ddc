import XCTest

@testable import Appliance

/// `mqtt.sparkplug.*`: defaults derived from the line, validation with one-sentence messages.
final class SparkplugConfigTests: XCTestCase {
    func testTheEdgeNodeIDDefaultsToTheLineAndStation() throws {
        let config = try parse("""
            line:
              name: bottles-3
              station: "7"
            mqtt:
              enabled: true
              sparkplug:
                enabled: true
                primary_host_id: scada-1
            """)
        XCTAssertTrue(config.mqtt.sparkplug.enabled)
        XCTAssertEqual(config.mqtt.sparkplug.groupID, "eagle-edge")
        XCTAssertEqual(config.sparkplugEdgeNodeID, "bottles-3-7")
        XCTAssertEqual(config.mqtt.sparkplug.primaryHostID, "scada-1")
        XCTAssertEqual(config.sparkplugClientID, "eagle-edge-bottles-3-7-spb", "its own session beside the JSON one")
        XCTAssertEqual(try parse("mqtt:\n  sparkplug:\n    edge_node_id: cam-east\n").sparkplugEdgeNodeID, "cam-east")
    }

    func testSparkplugNeedsTheBrokerConnection() {
        XCTAssertEqual(issues("mqtt:\n  sparkplug:\n    enabled: true\n").messages, [
            "mqtt.enabled: is false, but mqtt.sparkplug.enabled is true; Sparkplug publishes over the broker connection"
                + " of mqtt.*, so set mqtt.enabled: true",
        ])
    }

    func testIDsMustBeOneTopicLevel() {
        XCTAssertEqual(issues("mqtt:\n  sparkplug:\n    group_id: plant/east\n").messages, [
            "mqtt.sparkplug.group_id: \"plant/east\" contains /, + or #, which cannot appear in an MQTT topic level",
        ])
        XCTAssertEqual(issues("mqtt:\n  sparkplug:\n    primary_host_id: \"\"\n").messages, [
            "mqtt.sparkplug.primary_host_id: must not be empty (write ~ to leave an optional key unset)",
        ])
        XCTAssertEqual(issues("mqtt:\n  sparkplug:\n    counters_interval_s: 0\n").first?.message.hasPrefix(
            "mqtt.sparkplug.counters_interval_s:"), true)
    }
}
