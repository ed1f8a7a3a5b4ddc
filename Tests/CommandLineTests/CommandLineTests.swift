import Foundation
import XCTest

final class CommandLineTests: XCTestCase {
    static let packageRoot = EagleEdgeProcess.packageRoot

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> EagleEdgeProcess.Outcome {
        try EagleEdgeProcess.run(arguments, environment: environment)
    }

    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-cli-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testCheckConfigAcceptsTheShippedDefault() throws {
        let outcome = try run(["check-config", "Config/eagle-edge.yaml"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasPrefix("configuration OK: Config/eagle-edge.yaml"), outcome.stdout)
        XCTAssertTrue(outcome.stderr.isEmpty, outcome.stderr)
    }

    func testEveryBoardProfileIsAValidConfiguration() throws {
        let dir = Self.packageRoot.appendingPathComponent("Board/profiles")
        let profiles = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
        XCTAssertFalse(profiles.isEmpty)
        for profile in profiles {
            let outcome = try run(["check-config", "--quiet", "Board/profiles/" + profile])
            XCTAssertEqual(outcome.status, 0, "\(profile): \(outcome.stderr)")
        }
    }

    func testCheckConfigReportsEveryMistakeWithItsKeyPathAndFails() throws {
        let path = try temporaryFile("camera:\n  widht: 640\nmqtt:\n  port: 99999\n")
        let outcome = try run(["check-config", path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stdout.isEmpty, outcome.stdout)
        XCTAssertTrue(outcome.stderr.contains("camera.widht: unknown key; did you mean 'width'?"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("mqtt.port: 99999 is out of range"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("eagle-edge: ") }, outcome.stderr)
    }

    func testCheckConfigNeverEchoesASecret() throws {
        let path = try temporaryFile("mqtt:\n  password: hunter2-secret\n")
        let outcome = try run(["check-config", path])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("mqtt.password"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("hunter2"), outcome.stderr)
    }

    func testMissingFileIsOneClearSentence() throws {
        let outcome = try run(["check-config", "/nonexistent/eagle.yaml"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("/nonexistent/eagle.yaml"), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 2, outcome.stderr) // summary + the reason
    }

    func testHelpAndUnknownSubcommand() throws {
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("check-config"), help.stdout)
        let sub = try run(["check-config", "--help"])
        XCTAssertEqual(sub.status, 0)
        XCTAssertTrue(sub.stdout.contains("Validate a configuration file"), sub.stdout)
        let bad = try run(["frobnicate"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertFalse(bad.stderr.isEmpty)
    }

    func testVersionListsTheLinkedLibraries() throws {
        let outcome = try run(["version"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        for name in ["libjpeg-turbo", "libpng", "OpenBLAS", "libgpiod", "libmosquitto", "SQLite"] {
            XCTAssertTrue(outcome.stdout.contains("  \(name): "), "\(name) missing from:\n\(outcome.stdout)")
        }
    }
}
