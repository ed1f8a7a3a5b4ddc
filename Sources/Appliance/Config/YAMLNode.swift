import Foundation
import Yams

/// How the loader looks at Yams nodes when it needs their text or must describe them in a message.
extension Node {
    /// Whether the node is YAML's null (`~`, `null` or nothing after the colon).
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The text of an unquoted scalar: the only form a number or boolean may take, so that
    /// `"8080"` in quotes stays a string the way YAML defines it.
    var plainText: String? {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else {
            return nil
        }
        return scalar.string
    }

    /// The node as it should appear after "found" in a message: quoted text, or what kind of
    /// thing it is. Long text is cut so a pasted blob cannot flood the journal.
    var foundDescription: String {
        switch self {
        case .mapping: return "a section of keys"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull { return "nothing (null)" }
            return Self.quoted(scalar.string)
        }
    }

    /// `text` in double quotes with line breaks made visible and long text shortened.
    static func quoted(_ text: String) -> String {
        let limit = 60
        var shown = text.replacingOccurrences(of: "\n", with: "\\n")
        if shown.count > limit { shown = String(shown.prefix(limit)) + "..." }
        return "\"\(shown)\""
    }
}
