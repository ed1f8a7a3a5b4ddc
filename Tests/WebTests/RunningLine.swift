import Capture
import EagleLog
import Foundation
import Imaging
import Inspection
import TestFixtures
import XCTest

@testable import Appliance

/// A real line on the tiny expert over a looping folder of frames, with its journal, archive
/// and status page on a free loopback port, running on its own thread until ``stop()``.
final class RunningLine: @unchecked Sendable {
    let directory: URL
    let config: ApplianceConfig
    let line: Line
    let page: StatusPage
    let port: UInt16
    private let writer: JournalWriter
    private let archive: ImageArchive
    private let finished = DispatchSemaphore(value: 0)
    private var stopped = false

    init(test: XCTestCase, token: String? = nil, liveFPS: Double = 5) throws {
        let quiet = Logger(label: "web-test", minimumLevel: .critical)
        directory = try temporaryDirectory(for: test)
        let frames = directory.appendingPathComponent("frames").path
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        for index in 0..<5 {
            try ImageFile.write(TinyExpert.image(seed: index), to: frames + String(format: "/frame-%03d.png", index))
        }
        var config = ApplianceConfig()
        config.camera = CaptureSettings(source: .folder, width: 80, height: 72, fps: 20, folder: frames, loop: true)
        // The tiny expert's scores mean nothing; a budget this long decides every part it scores.
        config.decision.budgetMs = 10_000
        config.storage.journal = directory.appendingPathComponent("journal.sqlite").path
        config.storage.imagesDir = directory.appendingPathComponent("images").path
        config.web = WebConfig(enabled: true, listen: .init(host: "127.0.0.1", port: 0),
                               token: token.map { Secret($0, source: .environment("EAGLE_WEB_TOKEN")) }, liveFPS: liveFPS)
        self.config = config
        writer = try JournalWriter(path: config.storage.journal, logger: quiet)
        archive = ImageArchive(storage: config.storage, logger: quiet)
        let page = try XCTUnwrap(StatusPage(config: config, logger: quiet))
        self.page = page
        line = try Line(config: config, expert: ExpertLoader.Loaded(expert: TinyExpert.shared.get(), modelID: "tiny-model"),
                        recorder: JournalRecorder(writer: writer, logger: quiet), archive: archive, live: page.live, logger: quiet)
        let line = self.line
        port = try XCTUnwrap(page.start { line.status })
        let thread = Thread { [finished] in
            line.run()
            finished.signal()
        }
        thread.start()
        test.addTeardownBlock { self.stop() }
    }

    /// Waits (up to a minute) until `condition` holds of the line's status.
    func wait(until condition: (LineStatus) -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition(line.status) {
            guard Date() < deadline else {
                throw ToolFailure(program: "line", status: 0, output: "no progress in a minute: \(line.status.statusLine)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Stops the line (its records committed, its images written); the page keeps serving.
    func stopLine() {
        guard !stopped else { return }
        stopped = true
        line.stop()
        finished.wait()
        writer.close()
        archive.close()
    }

    func stop() {
        stopLine()
        page.stop()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}

/// A reply read by curl: an HTTP client of its own, not this package's.
struct Reply {
    var status: Int
    var body: Data
    var contentType: String
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any], text)
    }
}

func curl(_ url: String, headers: [String] = []) throws -> Reply {
    let bodyFile = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: bodyFile) }
    let output = try runTool("/usr/bin/curl", ["-s", "-m", "20", "-o", bodyFile.path, "-w", "%{http_code} %{content_type}"]
        + headers.flatMap { ["-H", $0] } + [url])
    let fields = output.split(separator: " ", maxSplits: 1).map(String.init)
    return Reply(status: Int(fields.first ?? "") ?? 0, body: (try? Data(contentsOf: bodyFile)) ?? Data(),
                 contentType: fields.count > 1 ? fields[1] : "")
}

/// Runs a program; returns its standard output, or throws with its standard error when it fails.
@discardableResult
func runTool(_ program: String, _ arguments: [String], input: Data? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    if input != nil { process.standardInput = stdin }
    try process.run()
    if let input {
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(program: program, status: process.terminationStatus,
                          output: String(decoding: output + errors, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
}

struct ToolFailure: Error, CustomStringConvertible {
    var program: String
    var status: Int32
    var output: String
    var description: String { "\(program) exited with \(status): \(output)" }
}

/// The tool's path, or a skip saying it is absent (CI installs it: Packaging/host-dependencies.sh).
func tool(_ name: String, package: String) throws -> String {
    for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw XCTSkip("\(name) is not installed (Debian package \(package); Packaging/host-dependencies.sh installs it)")
}

/// A directory removed after the test.
func temporaryDirectory(for test: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-edge-web-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
}
