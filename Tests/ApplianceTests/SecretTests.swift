import Foundation
import XCTest

@testable import Appliance

/// Secrets come only from files or the environment, and never show up in text.
final class SecretTests: XCTestCase {
    private let secretValue = "hunter2-Sup3rS3cret"

    func testSecretWrittenInTheFileIsRefusedWithoutEchoingIt() {
        let found = issues("mqtt:\n  password: \(secretValue)\nmllm:\n  api_key: \(secretValue)\n")
        XCTAssertEqual(found.map(\.message), [
            "mqtt.password: secrets must not be written into the configuration file; name a file holding it with"
                + " mqtt.password_file or an environment variable holding it with mqtt.password_env (the value is not shown)",
            "mllm.api_key: secrets must not be written into the configuration file; name a file holding it with"
                + " mllm.api_key_file or an environment variable holding it with mllm.api_key_env (the value is not shown)",
        ])
        XCTAssertFalse(ConfigError(source: "x", issues: found).description.contains(secretValue))
    }

    func testAnySecretLookingKeyIsRefusedWithoutEchoingIt() {
        let found = issues("camera:\n  token: \(secretValue)\n  controls:\n    auth_secret: 1234\nline:\n  Password: \(secretValue)\n")
        XCTAssertEqual(found.map(\.path), ["camera.token", "camera.controls.auth_secret", "line.Password"])
        for issue in found {
            XCTAssertTrue(issue.message.contains("secrets must not be written into the configuration file"), issue.message)
            XCTAssertFalse(issue.message.contains(secretValue))
            XCTAssertFalse(issue.message.contains("1234"))
        }
    }

    func testCredentialsInTheEndpointURLAreRefusedWithoutEchoingThem() {
        let found = issues("mllm:\n  endpoint: https://bot:\(secretValue)@llm.local/v1\n")
        XCTAssertEqual(found.map(\.path), ["mllm.endpoint"])
        XCTAssertFalse(found.description.contains(secretValue))
    }

    func testAPIKeyPastedIntoTheEnvKeyIsNotEchoed() {
        let found = issues("mllm:\n  api_key_env: sk-\(secretValue)\n")
        XCTAssertEqual(found.map(\.message), [
            "mllm.api_key_env: is not a valid environment variable name (letters, digits and _, not starting with a"
                + " digit); the value is not shown in case it is the secret itself",
        ])
    }

    func testSecretFromAFileRelativeToTheConfigFile() throws {
        let directory = try temporaryDirectory(for: self)
        try "\(secretValue)\n".write(to: directory.appendingPathComponent("mqtt-password"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("eagle-edge.yaml")
        try "mqtt:\n  username: eagle\n  password_file: mqtt-password\n".write(to: file, atomically: true, encoding: .utf8)

        let config = try ApplianceConfig.load(path: file.path, environment: [:])
        let password = try XCTUnwrap(config.mqtt.password)
        XCTAssertEqual(password.revealed, secretValue)
        XCTAssertEqual(password.source, .file(directory.appendingPathComponent("mqtt-password").path))
    }

    func testSecretFromTheEnvironment() throws {
        let config = try parse("mllm:\n  api_key_env: EAGLE_MLLM_KEY\n", environment: ["EAGLE_MLLM_KEY": secretValue])
        XCTAssertEqual(config.mllm.apiKey?.revealed, secretValue)
        XCTAssertEqual(config.mllm.apiKey?.source, .environment("EAGLE_MLLM_KEY"))
    }

    func testUnsetEnvironmentVariable() {
        XCTAssertEqual(issues("mllm:\n  api_key_env: EAGLE_MLLM_KEY\n").messages, [
            "mllm.api_key_env: the environment variable EAGLE_MLLM_KEY is not set",
        ])
        XCTAssertEqual(issues("mllm:\n  api_key_env: EAGLE_MLLM_KEY\n", environment: ["EAGLE_MLLM_KEY": ""]).messages, [
            "mllm.api_key_env: the environment variable EAGLE_MLLM_KEY is set but empty",
        ])
    }

    func testUnreadableOrEmptySecretFile() throws {
        let directory = try temporaryDirectory(for: self)
        XCTAssertEqual(issues("mqtt:\n  username: u\n  password_file: missing\n", baseDirectory: directory.path).messages, [
            "mqtt.password_file: cannot read the secret file \(directory.path)/missing: no such file",
        ])
        try "\n".write(to: directory.appendingPathComponent("empty"), atomically: true, encoding: .utf8)
        XCTAssertEqual(issues("mqtt:\n  username: u\n  password_file: empty\n", baseDirectory: directory.path).messages, [
            "mqtt.password_file: the secret file \(directory.path)/empty is empty",
        ])
    }

    func testFileAndEnvironmentTogetherAreRefused() {
        XCTAssertEqual(issues("mqtt:\n  password_file: /run/pw\n  password_env: PW\n", environment: ["PW": "x"]).messages, [
            "mqtt.password_env: cannot be set together with mqtt.password_file; give the secret one source",
        ])
    }

    func testSecretNeverAppearsInText() throws {
        var config = ApplianceConfig()
        config.mqtt.username = "eagle"
        config.mqtt.password = Secret(secretValue, source: .environment("PW"))
        config.mllm.apiKey = Secret(secretValue, source: .file("/etc/eagle-edge/api-key"))
        var dumped = ""
        dump(config, to: &dumped)
        for text in ["\(config)", String(reflecting: config), dumped, config.summary, "\(config.mqtt.password as Any)"] {
            XCTAssertFalse(text.contains(secretValue), text)
        }
        XCTAssertEqual("\(Secret(secretValue, source: .environment("PW")))", "<redacted>")
        XCTAssertTrue(config.summary.contains("password set (from environment variable PW)"))
        XCTAssertTrue(config.summary.contains("api key set (from file /etc/eagle-edge/api-key)"))
    }
}
