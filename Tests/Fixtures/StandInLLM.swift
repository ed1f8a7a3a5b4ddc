import Explain
import Foundation

/// The stand-in OpenAI-compatible endpoint (`Tests/StandIns/openai_stand_in.py`) as a child
/// process on a free loopback port, scripted per test; it ends when this object goes (its
/// stdin closes).
public final class StandInLLM {
    /// `http://127.0.0.1:<port>/v1`: what `mllm.endpoint` would say.
    public let baseURL: String
    private let process = Process()
    private let input = Pipe()

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("StandIns/openai_stand_in.py").path

    /// Starts the server and waits for its port.
    public init() throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = [UInt8]()
        let reader = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw StandInError(message: "the stand-in endpoint did not start: \(text)")
        }
        baseURL = "http://127.0.0.1:\(port)/v1"
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Queues scenarios (see the script's notes), one per chat request, in order.
    public func script(_ scenarios: [JSONValue]) throws {
        _ = try control("script", body: .array(scenarios))
    }

    /// What answers once the scripted scenarios are used up.
    public func setDefault(_ scenario: JSONValue) throws {
        _ = try control("script", body: ["default": scenario])
    }

    /// Every chat request received so far: `path`, `headers` (lower-case names), `body`.
    public func requests() throws -> [JSONValue] {
        let response = try HTTPClient().send(HTTPRequest(url: root + "/_control/requests", timeout: 5))
        guard case .array(let items) = try JSONValue.parse(response.body) else { return [] }
        return items
    }

    private var root: String { String(baseURL.dropLast("/v1".count)) }

    private func control(_ name: String, body: JSONValue) throws -> HTTPResponse {
        try HTTPClient().send(HTTPRequest(url: root + "/_control/\(name)", headers: [("Content-Type", "application/json")],
                                          body: try body.encoded(), timeout: 5))
    }
}

public struct StandInError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
