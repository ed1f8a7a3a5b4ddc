import Foundation

/// Reads a chat-completions response into an ``Explanation``, or says why it cannot.
///
/// Servers differ: some honour `response_format` exactly, some wrap the JSON in a Markdown
/// fence or in prose, some ignore the schema and invent their own field names, and any answer
/// may be cut off at `max_tokens`. Each of those is salvaged when the meaning is still there,
/// and the salvage is noted on the explanation; otherwise the failure names its reason.
public enum AnswerParser {
    /// What the endpoint's response held.
    public struct Completion: Sendable, Equatable {
        /// The parsed answer, or why there is none.
        public var answer: Result<Explanation, AnswerFailure>
        /// The model that answered, as the endpoint names it.
        public var model: String?
        public var usage: TokenUsage?
    }

    /// The longest description kept, in characters.
    static let maxDescription = 600

    /// Reads the body of a 200 response to `POST /chat/completions`.
    /// - Parameters:
    ///   - boxCount: how many boxes the prompt showed (a box number beyond is dropped).
    ///   - knowledge: the recipe's list of defect types.
    public static func completion(_ body: [UInt8], boxCount: Int, knowledge: ProductKnowledge?) -> Completion {
        guard let json = try? JSONValue.parse(body) else {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            return Completion(answer: .failure(AnswerFailure("the response is not JSON: \(Self.quoted(start))")))
        }
        let usage = json["usage"].flatMap { usage -> TokenUsage? in
            guard let prompt = usage["prompt_tokens"]?.numberValue, let completion = usage["completion_tokens"]?.numberValue else { return nil }
            return TokenUsage(prompt: Int(prompt), completion: Int(completion))
        }
        let model = json["model"]?.stringValue
        guard let choice = json["choices"]?[0] else {
            let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
            return Completion(answer: .failure(AnswerFailure("the response has no choices"
                + (message.map { ": \(Self.quoted($0))" } ?? ""))), model: model, usage: usage)
        }
        let content: String?
        switch choice["message"]?["content"] {
        case .string(let text)?: content = text
        case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined()
        default: content = choice["text"]?.stringValue
        }
        guard let content, !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            let refusal = choice["message"]?["refusal"]?.stringValue
            return Completion(answer: .failure(AnswerFailure(refusal.map { "the model refused: \(Self.quoted($0))" }
                ?? "the answer is empty")), model: model, usage: usage)
        }
        let truncated = choice["finish_reason"]?.stringValue == "length"
        return Completion(answer: answer(content, truncated: truncated, boxCount: boxCount, knowledge: knowledge),
                          model: model, usage: usage)
    }

    /// Reads the text of an answer.
    public static func answer(_ content: String, truncated: Bool = false, boxCount: Int,
                              knowledge: ProductKnowledge?) -> Result<Explanation, AnswerFailure> {
        let text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        var notes: [String] = []
        var object: [String: JSONValue]?
        if let value = try? JSONValue.parse(text) {
            object = firstObject(value)
        }
        if object == nil, let fenced = fencedBlock(text), let value = try? JSONValue.parse(fenced) {
            object = firstObject(value)
            notes.append("answer in a Markdown fence")
        }
        if object == nil, let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close,
           let value = try? JSONValue.parse(String(text[open...close])) {
            object = firstObject(value)
            notes.append("JSON inside prose")
        }
        if object == nil, text.contains("{"), let value = JSONRepair.repair(text) {
            object = firstObject(value)
            notes.append("answer cut off and repaired")
        }
        guard let object else {
            if text.contains("{") {
                return .failure(AnswerFailure(truncated ? "the answer was cut off (max_tokens) and cannot be repaired"
                    : "the answer's JSON cannot be read: \(Self.quoted(String(text.prefix(80))))"))
            }
            return prose(text)
        }
        if truncated, !notes.contains("answer cut off and repaired") { notes.append("answer cut off at max_tokens") }
        return fields(object, notes: notes, boxCount: boxCount, knowledge: knowledge)
    }

    // MARK: - Fields

    /// Other names schema-ignoring servers use for the fields asked for.
    private static let aliases: [String: [String]] = [
        "anomalous": ["anomalous", "is_anomalous", "anomaly", "defective", "is_defective", "has_defect"],
        "agrees_with_expert": ["agrees_with_expert", "agrees", "agree", "agreement", "agrees_with_system"],
        "defect_type": ["defect_type", "defect", "type", "defect_class", "category", "defect_kind"],
        "box": ["box", "box_index", "box_number", "region"],
        "location": ["location", "where", "position", "location_on_part"],
        "severity": ["severity", "seriousness"],
        "description": ["description", "explanation", "reason", "summary", "text", "answer", "comment"],
        "confidence": ["confidence", "certainty", "probability", "score"],
    ]

    private static func fields(_ raw: [String: JSONValue], notes: [String], boxCount: Int,
                               knowledge: ProductKnowledge?) -> Result<Explanation, AnswerFailure> {
        var notes = notes
        let object = Dictionary(raw.map { ($0.key.lowercased().replacingOccurrences(of: " ", with: "_"), $0.value) },
                                uniquingKeysWith: { first, _ in first })
        var renamed: [String] = []
        func field(_ name: String) -> JSONValue? {
            for alias in aliases[name] ?? [name] {
                if let value = object[alias], value != .null {
                    if alias != name { renamed.append("\(alias) as \(name)") }
                    return value
                }
            }
            return nil
        }
        guard let descriptionValue = field("description"), let description = text(descriptionValue) else {
            let got = raw.keys.sorted().joined(separator: ", ")
            return .failure(AnswerFailure("the answer lacks a description (fields: \(got.isEmpty ? "none" : got))"))
        }
        var explanation = Explanation(description: String(description.prefix(maxDescription)))
        var missing: [String] = []
        if let value = field("anomalous") { explanation.anomalous = bool(value) } else { missing.append("anomalous") }
        if let value = field("agrees_with_expert") { explanation.agreesWithExpert = bool(value) } else { missing.append("agrees_with_expert") }
        if let value = field("defect_type"), let name = text(value)?.lowercased() {
            let allowed = AnswerSchema.defectTypes(knowledge)
            if knowledge.map({ $0.defectTypes.isEmpty }) == false, !allowed.contains(name) {
                notes.append("defect type \(Self.quoted(name)) is not in the recipe's list: recorded as other")
                explanation.defectType = "other"
            } else {
                explanation.defectType = name
            }
        } else {
            missing.append("defect_type")
        }
        if let value = field("box") {
            let number = value.numberValue ?? text(value).flatMap { Double($0.filter(\.isNumber)) }
            if let number, number == number.rounded(), number >= 0, Int(number) <= boxCount {
                explanation.box = number == 0 ? nil : Int(number)
            } else {
                notes.append("box \(Self.describe(value)) is not one of the \(boxCount) shown: dropped")
            }
        } else {
            missing.append("box")
        }
        if let value = field("location") { explanation.location = text(value) } else { missing.append("location") }
        if let value = field("severity") {
            let word = text(value)?.lowercased() ?? ""
            let synonyms: [String: Explanation.Severity] = ["low": .minor, "medium": .major, "moderate": .major,
                                                             "high": .critical, "severe": .critical]
            explanation.severity = Explanation.Severity(rawValue: word) ?? synonyms[word]
            if explanation.severity == nil { notes.append("severity \(Self.describe(value)) is not a known one: dropped") }
        } else {
            missing.append("severity")
        }
        if let value = field("confidence") {
            var number = value.numberValue ?? text(value).flatMap { Double($0.replacingOccurrences(of: "%", with: "")) }
            if let n = number, n > 1, n <= 100 {
                number = n / 100
                notes.append("confidence given in percent")
            }
            if let n = number, (0...1).contains(n) { explanation.confidence = n } else {
                notes.append("confidence \(Self.describe(value)) is not within 0...1: dropped")
            }
        } else {
            missing.append("confidence")
        }
        if !renamed.isEmpty { notes.append("fields renamed by the server: \(renamed.joined(separator: ", "))") }
        if !missing.isEmpty { notes.append("missing: \(missing.joined(separator: ", "))") }
        explanation.salvage = notes
        return .success(explanation)
    }

    // MARK: - Salvage

    /// A prose answer keeps its first two sentences as the description and nothing else.
    private static func prose(_ text: String) -> Result<Explanation, AnswerFailure> {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard words.count >= 3 else {
            return .failure(AnswerFailure(text.isEmpty ? "the answer is empty" : "the answer is too short to mean anything: \(Self.quoted(text))"))
        }
        let flat = words.joined(separator: " ")
        var sentences: [Substring] = []
        var rest = Substring(flat)
        while sentences.count < 2, let end = rest.firstIndex(where: { ".!?".contains($0) }) {
            sentences.append(rest[...end])
            rest = rest[rest.index(after: end)...].drop(while: { $0 == " " })
        }
        let description = sentences.isEmpty ? flat : sentences.joined(separator: " ")
        return .success(Explanation(description: String(description.prefix(maxDescription)),
                                    salvage: ["prose answer: only the description kept"]))
    }

    /// The body of the first ```json (or bare ```) fence.
    private static func fencedBlock(_ text: String) -> String? {
        guard let open = text.range(of: "```") else { return nil }
        var inner = text[open.upperBound...]
        if let newline = inner.firstIndex(of: "\n") { inner = inner[inner.index(after: newline)...] }
        if let close = inner.range(of: "```") { inner = inner[..<close.lowerBound] }
        return String(inner)
    }

    private static func firstObject(_ value: JSONValue) -> [String: JSONValue]? {
        switch value {
        case .object(let members): return members
        case .array(let items): return items.lazy.compactMap { $0.objectValue }.first
        default: return nil
        }
    }

    private static func text(_ value: JSONValue) -> String? {
        let trimmed: String?
        switch value {
        case .string(let text): trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .number(let number): trimmed = String(number)
        case .bool(let flag): trimmed = String(flag)
        default: trimmed = nil
        }
        return trimmed.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func bool(_ value: JSONValue) -> Bool? {
        if let flag = value.boolValue { return flag }
        switch text(value)?.lowercased() {
        case "yes", "true", "1": return true
        case "no", "false", "0": return false
        default: return nil
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        (try? value.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    private static func quoted(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return "\"\(flat.count > 80 ? String(flat.prefix(80)) + "..." : flat)\""
    }
}

/// Why an answer could not be read.
public struct AnswerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
