import Foundation
import XCTest

/// The status page keeps working while the line runs: `Packaging/bench/status-page-soak.sh`
/// on the built binary with one headless Chromium viewer. The suite runs it for
/// `EAGLE_WEB_SOAK_SECONDS` (default 40; the long run is the script's own default of 600).
final class StatusPageSoakTests: XCTestCase {
    func testThePageKeepsUpdatingAndTheLinesMemoryStaysBounded() throws {
        _ = try tool("chromium", package: "chromium")
        let seconds = ProcessInfo.processInfo.environment["EAGLE_WEB_SOAK_SECONDS"] ?? "40"
        let out = try temporaryDirectory(for: self)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Packaging/bench/status-page-soak.sh").path
        let output: String
        do {
            output = try runTool("/bin/bash", [script, "--seconds", seconds, "--teach-parts", "10", "--bin", try Self.binary().path,
                                           "--port", "\(try Self.freePort())", "--out", out.path])
        } catch let failure as ToolFailure {
            return XCTFail(failure.output)
        }
        XCTAssertTrue(output.contains("[soak] figures:"), output)
        print(output)
    }

    /// The binary sits beside the test executable in the build folder, or up to three folders up.
    static func binary() throws -> URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("eagle-edge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw ToolFailure(program: "eagle-edge", status: 0, output: "not built beside the tests (swift build --build-tests)")
    }

    /// A loopback port nobody listens on now.
    static func freePort() throws -> Int {
        let port = try runTool("/usr/bin/python3", ["-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return try XCTUnwrap(Int(port.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
