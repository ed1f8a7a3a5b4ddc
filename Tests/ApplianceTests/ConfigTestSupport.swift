import Foundation
import XCTest

@testable import Appliance

/// The package root, found by walking up from this file to the directory holding Package.swift.
func packageRoot(file: String = #filePath) -> URL {
    var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            return directory
        }
        directory.deleteLastPathComponent()
    }
    return directory
}

/// The shipped, documented default configuration.
var shippedConfigPath: String {
    packageRoot().appendingPathComponent("Config/eagle-edge.yaml").path
}

/// A fresh empty directory for files a test writes, removed when the test ends.
func temporaryDirectory(for test: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("eagle-edge-config-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
}

/// Parses `yaml` with a controlled environment; secrets resolve against `/nonexistent`
/// unless a test gives a directory.
func parse(_ yaml: String, environment: [String: String] = [:], baseDirectory: String = "/nonexistent") throws -> ApplianceConfig {
    try ApplianceConfig.parse(yaml: yaml, source: "test.yaml", environment: environment, baseDirectory: baseDirectory)
}

/// The issues `yaml` is refused with; fails the test if it is accepted.
func issues(
    _ yaml: String,
    environment: [String: String] = [:],
    baseDirectory: String = "/nonexistent",
    file: StaticString = #filePath,
    line: UInt = #line
) -> [ConfigIssue] {
    do {
        _ = try parse(yaml, environment: environment, baseDirectory: baseDirectory)
        XCTFail("the document was accepted", file: file, line: line)
    } catch let error as ConfigError {
        return error.issues
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
    return []
}

extension Array where Element == ConfigIssue {
    /// Just the sentences, for comparing with what an operator would read.
    var messages: [String] { map(\.message) }
}
