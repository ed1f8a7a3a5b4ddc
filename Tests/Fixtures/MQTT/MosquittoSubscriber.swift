import Foundation
import XCTest

/// `mosquitto_sub`, an independent client on the far side of the broker: it prints every
/// message as a `topic payload` line (flushed per message) to a file the test reads.
public final class MosquittoSubscriber {
    private let process = Process()
    private let output: URL
    private let broker: MosquittoBroker
    private let clientID: String

    /// Subscribes to `topic` at QoS 1 with a persistent session (`-c`, as a SCADA client
    /// would), so messages published while it reconnects to a restarted broker wait for it.
    public init(broker: MosquittoBroker, topic: String, clientID: String = "scada-\(UUID().uuidString.prefix(8))",
                outputName: String? = nil, timeoutSeconds: Int = 30, user: String? = nil, password: String? = nil) throws {
        guard let executable = MosquittoBroker.subscriberExecutable else { throw XCTSkip("mosquitto_sub is not installed") }
        self.broker = broker
        self.clientID = clientID
        output = broker.directory.appendingPathComponent("\(outputName ?? clientID).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", topic, "-q", "1", "-v",
                         "-c", "-i", clientID, "-W", "\(timeoutSeconds)"]
        if let user { arguments += ["-u", user] }
        if let password { arguments += ["-P", password] }
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    public var isRunning: Bool { process.isRunning }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private var lines: [String] {
        ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Whether the broker has confirmed the subscription (its log says so; mosquitto_sub's
    /// own debug output is block-buffered into a file).
    public var isSubscribed: Bool { broker.log.contains("Sending SUBACK to \(clientID)") }

    /// The messages received so far, in order: (topic, payload).
    public func messages(under prefix: String) -> [(topic: String, payload: String)] {
        lines.compactMap { line in
            guard line.hasPrefix(prefix), let space = line.firstIndex(of: " ") else { return nil }
            return (String(line[..<space]), String(line[line.index(after: space)...]))
        }
    }
}
