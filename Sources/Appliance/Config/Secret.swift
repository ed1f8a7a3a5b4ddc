import Foundation

/// A credential read from a file or an environment variable when the configuration is loaded.
///
/// Every textual form (`description`, `debugDescription`, `dump`) prints `<redacted>`, so a
/// config struct can be logged whole without leaking the credential; only `revealed` gives the
/// value, and its name makes each use easy to find in review.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Where the value came from; safe to show (it names a file or a variable, not the value).
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A file whose content, minus trailing line breaks, is the secret.
        case file(String)
        /// An environment variable holding the secret.
        case environment(String)

        public var description: String {
            switch self {
            case .file(let path): return "file \(path)"
            case .environment(let name): return "environment variable \(name)"
            }
        }
    }

    /// Where the value came from.
    public let source: Source
    /// The credential itself, for the one place that must hand it to a protocol library.
    public let revealed: String

    /// Wraps `value`, read from `source`.
    public init(_ value: String, source: Source) {
        self.revealed = value
        self.source = source
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}

extension Secret {
    /// Words that make a key look like it holds a credential (`password`, `mqtt_token`, ...).
    private static let secretWords: Set<String> = ["password", "passwd", "secret", "token", "api_key", "apikey"]

    /// Whether a configuration key looks like it carries a credential inline.
    ///
    /// `*_file` and `*_env` keys are the sanctioned indirections, so they never count.
    static func looksLikeSecretKey(_ key: String) -> Bool {
        let name = key.lowercased().replacingOccurrences(of: "-", with: "_")
        if name.hasSuffix("_file") || name.hasSuffix("_env") { return false }
        return secretWords.contains { name == $0 || name.hasSuffix("_" + $0) }
    }
}
