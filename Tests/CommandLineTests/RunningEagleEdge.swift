import Foundation
import XCTest

/// An `eagle-edge` process started by a test: its output so far, signals, and a bounded wait
/// for its end. A process still running when the value goes away is killed, so a failed test
/// leaves no line running behind it.
final class RunningEagleEdge {
    private let process = Process()
    private let outURL: URL
    private let errURL: URL
    private let out: FileHandle
    private let err: FileHandle

    init(binary: URL, arguments: [String], environment: [String: String], directory: URL) throws {
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Files rather than pipes: the child can never block on a full pipe nobody reads, and
        // the test reads what it wrote so far while it runs.
        let dir = FileManager.default.temporaryDirectory
        outURL = dir.appendingPathComponent("eagle-out-\(UUID().uuidString)")
        errURL = dir.appendingPathComponent("eagle-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        out = try FileHandle(forWritingTo: outURL)
        err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? out.close()
        try? err.close()
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var pid: Int32 { process.processIdentifier }

    var isRunning: Bool { process.isRunning }

    /// What the process wrote to stdout so far.
    var stdout: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }

    /// What the process wrote to stderr so far (its log lines and errors).
    var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits up to `seconds` for the process to end; false when it is still running.
    func waitForExit(seconds: Double) -> Bool {
        Self.poll(seconds: seconds) { !process.isRunning }
    }

    /// Waits up to `seconds` for `text` on stderr; false when it did not come (or the process
    /// ended without writing it).
    func waitForLog(_ text: String, seconds: Double) -> Bool {
        _ = Self.poll(seconds: seconds) { !process.isRunning || stderr.contains(text) }
        return stderr.contains(text)
    }

    /// Waits for the end (however long it takes) and returns the exit status and the output.
    func finish() -> EagleEdgeProcess.Outcome {
        process.waitUntilExit()
        return EagleEdgeProcess.Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Whether the process was ended by a signal rather than exiting.
    var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Checks `condition` every 10 ms until it holds or `seconds` have passed; whether it held.
    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }
}
