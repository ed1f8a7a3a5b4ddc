import Foundation
import Glibc
import XCTest

/// The independent Sparkplug host application of the tests (Tests/Sparkplug/sparkplug_host.py,
/// built on pysparkplug): a child process that records what it decodes as JSON lines and
/// takes commands (`rebirth`, `online`, `offline`) on its stdin.
final class SparkplugHost {
    /// One decoded message, or the host's own note (`READY`, `PROBLEM`, `DONE`).
    struct Record {
        let object: [String: Any]
        var type: String { object["type"] as? String ?? "" }
        var seq: Int? { object["seq"] as? Int }
        var bdSeq: Int? { object["bd_seq"] as? Int }
        var metrics: [String: [String: Any]] { object["metrics"] as? [String: [String: Any]] ?? [:] }

        /// The part id of a part NDATA; nil for other messages.
        var partID: Int? { type == "NDATA" ? metrics["Part/ID"]?["value"] as? Int : nil }
        var isHistorical: Bool { metrics["Part/ID"]?["historical"] as? Bool ?? false }
    }

    static let script = EagleEdgeProcess.packageRoot.appendingPathComponent("Tests/Sparkplug/sparkplug_host.py")

    private let process = Process()
    private let input = Pipe()
    private let output: URL

    /// Skips the test when python3 with pysparkplug is not there (the aarch64 test root has none).
    static func skipUnlessInstalled() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import pysparkplug"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
            probe.waitUntilExit()
        } catch {
            throw XCTSkip("no python3 to run the Sparkplug host application (pysparkplug 0.6.1 from PyPI)")
        }
        guard probe.terminationStatus == 0 else {
            throw XCTSkip("python3 has no pysparkplug (PyPI, pysparkplug==0.6.1; Packaging/host-dependencies.sh installs it;"
                + " the aarch64 test root has none): the Sparkplug host application cannot run")
        }
    }

    /// Starts the host on the broker at `port`, for edge node `node` of `group`; with `hostID`
    /// it can publish its STATE. Returns once it is subscribed.
    init(port: Int, group: String, node: String, hostID: String? = nil, directory: URL) throws {
        output = directory.appendingPathComponent("sparkplug-host-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--port", "\(port)", "--group", group, "--node", node,
                             "--out", output.path] + (hostID.map { ["--host-id", $0] } ?? [])
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        // A host that died must fail the test, not end the test process with SIGPIPE when a
        // command is written to it.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        guard wait(seconds: 30, for: { $0.contains { $0.type == "READY" } }) else {
            throw CommandFailure(message: "the Sparkplug host did not start: \(records.map(\.object))")
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything recorded so far, in arrival order.
    var records: [Record] {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).map(Record.init)
        }
    }

    /// Broken Sparkplug rules and undecodable messages the host saw.
    var problems: [String] { records.filter { $0.type == "PROBLEM" }.compactMap { $0.object["text"] as? String } }

    /// Sends a command and waits until the host has acted on it.
    func send(_ command: String) throws {
        let done = records.filter { $0.type == "DONE" }.count
        do {
            try input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
        } catch {
            throw CommandFailure(message: "the Sparkplug host is gone (\(error)); it recorded: \(records.trace)")
        }
        guard wait(seconds: 10, for: { $0.filter { $0.type == "DONE" }.count > done }) else {
            throw CommandFailure(message: "the Sparkplug host did not take the command \(command)")
        }
    }

    /// Polls the records (every 50 ms) until `condition` holds or `seconds` pass; whether it held.
    func wait(seconds: Double, for condition: ([Record]) -> Bool) -> Bool {
        RunningEagleEdge.poll(seconds: seconds) { condition(records) }
    }

    func stop() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
        if !RunningEagleEdge.poll(seconds: 5, { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}

extension Array where Element == SparkplugHost.Record {
    /// Part ids in arrival order, each kept once (a part may be sent again after a reconnect).
    var uniquePartIDs: [Int] {
        var seen = Set<Int>()
        return compactMap(\.partID).filter { seen.insert($0).inserted }
    }

    func count(of type: String) -> Int { filter { $0.type == type }.count }

    /// What arrived, compactly, for failure messages: `NBIRTH(0) NDATA x12 NDEATH(0) ...`.
    var trace: String {
        var words: [String] = []
        var data = 0
        for record in self {
            if record.type == "NDATA" {
                data += 1
                continue
            }
            if data > 0 { words.append("NDATA x\(data)") }
            data = 0
            words.append(record.type + (record.bdSeq.map { "(\($0))" } ?? "") + (record.object["command"].map { " \($0)" } ?? ""))
        }
        if data > 0 { words.append("NDATA x\(data)") }
        return words.joined(separator: " ")
    }
}
