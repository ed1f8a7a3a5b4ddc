/// One problem found in a configuration document.
///
/// `message` is the complete sentence shown to the operator and always starts with the key path
/// (`camera.fps: 500 is out of range (allowed 1...240)`), so it can be printed on its own;
/// `path` is kept apart so callers and tests can pick issues by key without parsing text.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key path the problem is about (`mqtt.port`); empty for whole-document problems
    /// such as a YAML syntax error or an unreadable file.
    public let path: String
    /// The full sentence: the key path, the value found (never a secret's value) and what is allowed.
    public let message: String
    /// 1-based line of the offending key in the document, when the parser knows it.
    public let line: Int?

    /// Creates an issue whose message is `problem` prefixed with `path`.
    public init(path: String, problem: String, line: Int? = nil) {
        self.path = path
        self.message = path.isEmpty ? problem : "\(path): \(problem)"
        self.line = line
    }

    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }
}
