import Foundation
import XCTest

/// Runs the built `eagle-edge` binary as an installer would, checking exit status and what
/// lands on stdout and stderr.
final class CommandLineTests: XCTestCase {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The package root, from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary sits beside the test bundle in the build folder.
    static func binary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("eagle-edge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw XCTSkip("eagle-edge binary not found near \(exe.path)")
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        process.currentDirectoryURL = Self.packageRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a chatty child never blocks on a full pipe.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
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
