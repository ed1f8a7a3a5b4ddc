import Foundation
import XCTest

@testable import Appliance

/// Each class of mistake an operator can make gets the promised one-sentence message.
final class ConfigMistakeTests: XCTestCase {
    func testUnknownKeySuggestsTheClosestKey() {
        XCTAssertEqual(issues("mqtt:\n  hots: broker\n").messages, [
            "mqtt.hots: unknown key; did you mean 'host'? (allowed: enabled, host, port, client_id, topic_prefix,"
                + " keepalive_s, protocol_version, qos, username, password_file, password_env, tls, counters_interval_s, spool_max_mb,"
                + " sparkplug)",
        ])
    }

    func testUnknownKeySuggestionsCoverCaseDashesAndDroppedUnits() {
        XCTAssertEqual(issues("camera:\n  Width: 800\n").first?.message.hasPrefix("camera.Width: unknown key; did you mean 'width'?"), true)
        XCTAssertEqual(issues("camera:\n  timeout-ms: 800\n").first?.message.hasPrefix("camera.timeout-ms: unknown key; did you mean 'timeout_ms'?"), true)
        XCTAssertEqual(issues("mqtt:\n  keepalive: 10\n").first?.message.hasPrefix("mqtt.keepalive: unknown key; did you mean 'keepalive_s'?"), true)
    }

    func testUnknownKeyWithNothingCloseListsTheAllowedKeys() {
        XCTAssertEqual(issues("decision:\n  colour: red\n").messages, [
            "decision.colour: unknown key (allowed: unsure_band, on_unsure, budget_ms, false_reject_target)",
        ])
    }

    func testUnknownSectionAtTheTop() {
        XCTAssertEqual(issues("mqqt:\n  host: x\n").messages, [
            "mqqt: unknown key; did you mean 'mqtt'? (allowed: line, camera, recipe, expert, decision, reject, mqtt, mllm, storage, web, logging)",
        ])
    }

    func testWrongType() {
        XCTAssertEqual(issues("camera:\n  width: wide\n").messages, ["camera.width: expected an integer, found \"wide\""])
        XCTAssertEqual(issues("camera:\n  loop: maybe\n").messages, ["camera.loop: expected true or false, found \"maybe\""])
        XCTAssertEqual(issues("camera:\n  fps: [30, 60]\n").messages, ["camera.fps: expected an integer, found a list"])
        XCTAssertEqual(issues("camera: v4l2\n").messages, ["camera: expected a section of keys, found \"v4l2\""])
        XCTAssertEqual(issues("line:\n  name:\n").messages, ["line.name: expected a string, found nothing (null)"])
        XCTAssertEqual(issues("decision:\n  unsure_band: narrow\n").messages, ["decision.unsure_band: expected a number, found \"narrow\""])
    }

    func testQuotedNumberGetsAHint() {
        XCTAssertEqual(issues("mqtt:\n  port: \"8883\"\n").messages, [
            "mqtt.port: expected an integer, found the string \"8883\" (write numbers without quotes)",
        ])
    }

    func testOutOfRange() {
        XCTAssertEqual(issues("camera:\n  fps: 500\n").messages, ["camera.fps: 500 is out of range (allowed 1...240)"])
        XCTAssertEqual(issues("decision:\n  unsure_band: 0.7\n").messages, ["decision.unsure_band: 0.7 is out of range (allowed 0...0.5)"])
        XCTAssertEqual(issues("mqtt:\n  port: 0\n").messages, ["mqtt.port: 0 is out of range (allowed 1...65535)"])
    }

    func testBadChoice() {
        XCTAssertEqual(issues("expert:\n  precision: fp16\n").messages, ["expert.precision: \"fp16\" is not one of int8, fp32"])
        XCTAssertEqual(issues("logging:\n  level: verbose\n").messages, [
            "logging.level: \"verbose\" is not one of debug, info, notice, warning, error, critical",
        ])
    }

    func testIssuesCarryTheLineOfTheKey() {
        let found = issues("line:\n  name: a\ncamera:\n  fps: 0\n")
        XCTAssertEqual(found.map(\.line), [4])
        XCTAssertEqual(found.map(\.description), ["line 4: camera.fps: 0 is out of range (allowed 1...240)"])
    }

    func testSyntaxErrorReportsLineAndColumn() {
        let found = issues("camera:\n  width: 640\n height: 480\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.path, "")
        XCTAssertEqual(found.first.map { $0.message.hasPrefix("YAML syntax error at line 3, column 2: ") }, true, "\(found)")
    }

    func testTabIndentationIsNamed() {
        XCTAssertEqual(issues("camera:\n\tfps: 3\n").messages, [
            "YAML syntax error at line 2, column 1: found character that cannot start any token (while scanning for"
                + " the next token, from line 2); YAML indents with spaces, not tabs",
        ])
    }

    func testSyntaxErrorDoesNotQuoteTheDocument() {
        let found = issues("mqtt:\n  password_env: [hunter2\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertFalse(found.description.contains("hunter2"), "\(found)")
    }

    func testDuplicateKey() {
        XCTAssertEqual(issues("mqtt:\n  port: 1883\n  port: 8883\n").messages, [
            "duplicate key 'port' at line 2; a key may appear only once in a section",
        ])
    }

    func testTopLevelMustBeAMapping() {
        XCTAssertEqual(issues("- camera\n").messages, ["the document must be a mapping of sections (line:, camera:, ...), found a list"])
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ApplianceConfig.load(path: "/nonexistent/eagle-edge.yaml", environment: [:])) { error in
            XCTAssertEqual((error as? ConfigError)?.issues.map(\.message), [
                "cannot read the configuration file /nonexistent/eagle-edge.yaml: no such file",
            ])
            XCTAssertEqual("\(error)", """
                configuration /nonexistent/eagle-edge.yaml: 1 problem
                  cannot read the configuration file /nonexistent/eagle-edge.yaml: no such file
                """)
        }
    }

    func testDirectoryInsteadOfFile() throws {
        let directory = try temporaryDirectory(for: self)
        XCTAssertThrowsError(try ApplianceConfig.load(path: directory.path, environment: [:])) { error in
            XCTAssertEqual((error as? ConfigError)?.issues.map(\.message), [
                "cannot read the configuration file \(directory.path): it is a directory, not a file",
            ])
        }
    }

    func testChipNumberIsRefused() {
        XCTAssertEqual(issues("reject:\n  gpio:\n    chip: gpiochip4\n").messages, [
            "reject.gpio.chip: \"gpiochip4\" names a chip by number or device; give its label as gpiodetect prints it"
                + " in brackets (e.g. pinctrl-rp1), because chip numbers change between kernels",
        ])
        XCTAssertEqual(issues("reject:\n  gpio:\n    chip: 0\n").map(\.path), ["reject.gpio.chip"])
    }

    func testMissingKeysInAnOptionalSection() {
        XCTAssertEqual(issues("recipe:\n  roi: {x: 10}\n").messages, [
            "recipe.roi.width: missing; it is required whenever recipe.roi is given",
            "recipe.roi.height: missing; it is required whenever recipe.roi is given",
        ])
    }

    func testBadValuesInTheControlsMap() {
        XCTAssertEqual(issues("camera:\n  controls:\n    gain: high\n").messages, [
            "camera.controls.gain: expected an integer, found \"high\"",
        ])
    }

    func testBadEndpointAndTopic() {
        XCTAssertEqual(issues("mllm:\n  endpoint: ftp://llm.local/v1\n").messages, [
            "mllm.endpoint: \"ftp://llm.local/v1\" is not an http or https URL with a host (e.g. https://llm.example.com/v1)",
        ])
        XCTAssertEqual(issues("mqtt:\n  topic_prefix: plant/#\n").messages, [
            "mqtt.topic_prefix: \"plant/#\" contains + or #, which are wildcards and cannot appear in a published topic",
        ])
        XCTAssertEqual(issues("camera:\n  device: video0\n").messages, [
            "camera.device: \"video0\" is not an absolute path (it must start with /)",
        ])
    }

    func testSeveralMistakesAreReportedTogetherInDocumentOrder() {
        let yaml = """
            camera:
              source: v4l2
              fps: 500
              widht: 640
            expert:
              precision: fp16
            mqtt:
              port: http
            mllm:
              enabled: true
              endpoint: https://llm.local/v1
            """
        XCTAssertEqual(issues(yaml).map(\.description), [
            "line 2: camera.device: missing; camera.source is v4l2, so name the camera's device node"
                + " (e.g. /dev/v4l/by-id/usb-...-video-index0, which survives replugging)",
            "line 3: camera.fps: 500 is out of range (allowed 1...240)",
            "line 4: camera.widht: unknown key; did you mean 'width'? (allowed: source, device, format, width, height, fps,"
                + " buffers, timeout_ms, controls, folder, loop, synthetic)",
            "line 6: expert.precision: \"fp16\" is not one of int8, fp32",
            "line 8: mqtt.port: expected an integer, found \"http\"",
            "line 10: mllm.model: missing; mllm.enabled is true, so name the model to ask",
        ])
    }
}
