import Foundation
import XCTest

/// Validates JSON payloads against `docs/mqtt/<name>.schema.json` with Python's `jsonschema`
/// (an implementation independent of ours). Returns one sentence per invalid payload.
public func schemaProblems(_ payloads: [String], schema name: String) throws -> [String] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let schema = root.appendingPathComponent("docs/mqtt/\(name).schema.json").path
    let script = """
        from json import load, loads
        from sys import argv, stdin
        from jsonschema import Draft202012Validator
        validator = Draft202012Validator(load(open(argv[1])))
        for number, line in enumerate(stdin):
            for error in validator.iter_errors(loads(line)):
                print(f"payload {number}: {error.json_path}: {error.message}")
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, schema]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do {
        try process.run()
    } catch {
        throw XCTSkip("python3 is not available to validate payloads against \(name).schema.json")
    }
    input.fileHandleForWriting.write(Data(payloads.map { $0 + "\n" }.joined().utf8))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let failure = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if failure.contains("No module named 'jsonschema'") {
        throw XCTSkip("python3's jsonschema module is not installed (Packaging/host-dependencies.sh installs it)")
    }
    guard process.terminationStatus == 0 else { return ["the validator failed: \(failure)"] }
    return text.split(separator: "\n").map(String.init)
}
