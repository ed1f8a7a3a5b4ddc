import Foundation
import XCTest

/// Runs the built `eagle-edge` binary as an installer would, checking exit status and what
/// lands on stdout and stderr.
enum EagleEdgeProcess {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The package root, from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary was not built: a failure, not a skip, so a run that never exercised the
    /// commands cannot pass for one that did.
    struct MissingBinary: Error, CustomStringConvertible {
        let searched: [String]
        /// The build folder's name, "debug" or "release": the binary must come from the same one.
        let configuration: String

        var description: String {
            "eagle-edge binary not found (looked for \(searched.joined(separator: ", "))). The command-line tests run "
                + "the built binary: build it with the tests, `swift build -c \(configuration) --build-tests` "
                + "(--build-tests builds the executables the tests depend on; Packaging/test.sh also passes "
                + "-Xswiftc -enable-testing), or alone with `swift build -c \(configuration) --product eagle-edge`."
        }
    }

    /// The binary sits beside the test executable in the build folder; where the test bundle is
    /// a directory, the executable is up to three folders deeper.
    static func binary() throws -> URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        var searched: [String] = []
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("eagle-edge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            searched.append(candidate.path)
            dir = dir.deletingLastPathComponent()
        }
        throw MissingBinary(searched: searched, configuration: exe.deletingLastPathComponent().lastPathComponent)
    }

    /// Runs `eagle-edge` with `arguments` to the end.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try start(arguments, environment: environment).wait()
    }

    /// Starts `eagle-edge` with `arguments` (in the package root, with this environment plus
    /// `environment`) and returns at once: for a test that acts while it runs.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        return try Running(process)
    }

    /// A started `eagle-edge`. Its stdout and stderr go to files rather than pipes, so the child
    /// can never block on a full pipe nobody reads; they are removed with this value.
    final class Running {
        private let process: Process
        private let outURL: URL
        private let errURL: URL
        private let out: FileHandle
        private let err: FileHandle

        fileprivate init(_ process: Process) throws {
            self.process = process
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
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }

        var isRunning: Bool { process.isRunning }

        /// Sends SIGTERM: the line finishes the part in hand and exits 0.
        func terminate() { process.terminate() }

        /// Waits for the exit and returns the status and everything it wrote.
        func wait() throws -> Outcome {
            process.waitUntilExit()
            try out.close()
            try err.close()
            return Outcome(status: process.terminationStatus,
                           stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                           stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
        }
    }
}

/// A command a test ran did not do what the test needs to go on; says what it printed.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension XCTestCase {
    /// A fresh temporary directory for one test's files, removed when the test ends.
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
