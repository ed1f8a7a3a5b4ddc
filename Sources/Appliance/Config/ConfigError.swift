import Foundation

/// Everything wrong with one configuration document, reported at once so an operator can fix
/// the file in one pass instead of one restart per mistake.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// Where the document came from: the file path, or the name given to `parse(yaml:source:)`.
    public let source: String
    /// The problems in document order, then cross-field problems; never empty.
    public let issues: [ConfigIssue]

    /// Creates an error for `source` carrying `issues`.
    public init(source: String, issues: [ConfigIssue]) {
        self.source = source
        self.issues = issues
    }

    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        let lines = issues.map { "  \($0.description)" }
        return (["configuration \(source): \(count)"] + lines).joined(separator: "\n")
    }

    // Foundation's `localizedDescription` would otherwise print an opaque "error 1" on Linux.
    public var errorDescription: String? { description }
}
