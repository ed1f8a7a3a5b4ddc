import Foundation
import XCTest

/// `eagle-edge run` serves its status page and `/metrics` while the line runs, and stops it
/// with the line.
final class RunCommandStatusPageTests: XCTestCase {
    /// The aarch64 test root has no curl; x86-64 runs this test.
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            throw XCTSkip("no /usr/bin/curl here: this test reads the page with curl")
        }
    }

    /// A loopback port nobody listens on now.
    private func freePort() throws -> Int {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        probe.arguments = ["-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        let out = Pipe()
        probe.standardOutput = out
        try probe.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        return try XCTUnwrap(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The body curl got, or nil when nothing answered with 200.
    private func fetch(_ url: String) throws -> String? {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-f", "-m", "10", url]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let body = out.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return curl.terminationStatus == 0 ? String(decoding: body, as: UTF8.self) : nil
    }

    func testRunServesThePageAndMetricsUntilItStops() throws {
        let port = try freePort()
        var settings = TinyLine.Settings()
        settings.webPort = port
        let line = try TinyLine(in: try scratch(), settings: settings)
        let run = try EagleEdgeProcess.start(line.runArguments(["--duration", "120"]))
        XCTAssertTrue(run.waitForLog("status page listening", seconds: 60), run.stderr)
        let base = "http://127.0.0.1:\(port)"
        var metrics = ""
        for _ in 0..<300 where !metrics.contains("eagle_edge_frames_total") || metrics.contains("eagle_edge_frames_total 0\n") {
            metrics = try fetch(base + "/metrics") ?? ""
            usleep(100_000)
        }
        XCTAssertTrue(metrics.contains("eagle_edge_parts_total{verdict=\"pass\"}"), metrics)
        XCTAssertTrue(metrics.contains("# TYPE eagle_edge_part_latency_seconds histogram"), metrics)
        XCTAssertEqual(try fetch(base + "/healthz"), "ok\n")
        XCTAssertTrue(try fetch(base + "/")?.contains("<title>EagleEdge</title>") ?? false)

        run.signal(SIGTERM)
        XCTAssertTrue(run.waitForExit(seconds: 30))
        XCTAssertEqual(run.finish().status, 0, run.stderr)
        XCTAssertNil(try fetch(base + "/healthz"), "the page stops with the line")
    }
}
