/// Closes a JSON object cut off mid-way (an answer that hit `max_tokens`): the open string and
/// brackets are closed; when that does not parse, the answer is cut back to the last complete
/// member and closed there.
enum JSONRepair {
    /// The object starting at the first `{` of `text`, repaired; nil when nothing parses.
    static func repair(_ text: String) -> JSONValue? {
        guard let start = text.firstIndex(of: "{") else { return nil }
        let chars = Array(text[start...])
        var stack: [Character] = []
        var inString = false, escaped = false
        /// Commas outside strings, with the brackets open there.
        var cuts: [(index: Int, stack: [Character])] = []
        for (i, c) in chars.enumerated() {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "{", "[": stack.append(c)
            case "}", "]": if !stack.isEmpty { stack.removeLast() }
            case ",": cuts.append((i, stack))
            default: break
            }
            if stack.isEmpty { break }
        }
        var whole = String(chars)
        if escaped { whole.removeLast() }
        if inString { whole += "\"" }
        if let value = try? JSONValue.parse(whole + closers(stack)) { return value }
        for cut in cuts.reversed() {
            if let value = try? JSONValue.parse(String(chars[..<cut.index]) + closers(cut.stack)) { return value }
        }
        return nil
    }

    private static func closers(_ stack: [Character]) -> String {
        String(stack.reversed().map { $0 == "{" ? "}" : "]" })
    }
}
