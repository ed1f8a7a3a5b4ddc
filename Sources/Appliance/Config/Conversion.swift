import Foundation
import Yams

/// Why a YAML value was refused: the sentence that follows the key path in the issue.
struct Rejection: Error {
    let problem: String
}

/// Turns one YAML node into a typed value, or into the sentence saying why it cannot.
///
/// Conversions are small values so a section can state a key's type, range and extra checks
/// in one expression next to its default (`.integer(in: 1...240)`).
struct Conversion<T> {
    let convert: (Node) -> Result<T, Rejection>

    init(_ convert: @escaping (Node) -> Result<T, Rejection>) {
        self.convert = convert
    }

    /// The same conversion with `transform` applied to its result.
    func map<U>(_ transform: @escaping (T) -> U) -> Conversion<U> {
        Conversion<U> { node in convert(node).map(transform) }
    }

    /// The same conversion followed by `transform`, which may refuse the value.
    func flatMap<U>(_ transform: @escaping (T) -> Result<U, Rejection>) -> Conversion<U> {
        Conversion<U> { node in convert(node).flatMap(transform) }
    }

    /// The same conversion, refusing values for which `problem` returns a sentence.
    func checked(_ problem: @escaping (T) -> String?) -> Conversion<T> {
        flatMap { value in
            if let sentence = problem(value) { return .failure(Rejection(problem: sentence)) }
            return .success(value)
        }
    }
}

extension Conversion where T == Int {
    /// A decimal integer written without quotes, optionally limited to `range`.
    static func integer(in range: ClosedRange<Int>? = nil) -> Conversion<Int> {
        Conversion { node in
            guard let text = node.plainText, let number = Int(text) else {
                return .failure(Rejection(problem: mistyped(node, expected: "an integer", parses: { Int($0) != nil })))
            }
            if let range, !range.contains(number) {
                return .failure(Rejection(problem: "\(number) is out of range (allowed \(range.lowerBound)...\(range.upperBound))"))
            }
            return .success(number)
        }
    }
}

extension Conversion where T == UInt64 {
    /// A non-negative decimal integer that fills 64 bits (random seeds).
    static var unsigned64: Conversion<UInt64> {
        Conversion { node in
            guard let text = node.plainText, let number = UInt64(text) else {
                let problem = mistyped(node, expected: "a whole number from 0 to \(UInt64.max)", parses: { UInt64($0) != nil })
                return .failure(Rejection(problem: problem))
            }
            return .success(number)
        }
    }
}

extension Conversion where T == Double {
    /// A finite decimal number written without quotes, limited to `range`.
    static func number(in range: ClosedRange<Double>) -> Conversion<Double> {
        Conversion { node in
            guard let text = node.plainText, let number = Double(text), number.isFinite else {
                return .failure(Rejection(problem: mistyped(node, expected: "a number", parses: { Double($0) != nil })))
            }
            guard range.contains(number) else {
                let allowed = "\(shortNumber(range.lowerBound))...\(shortNumber(range.upperBound))"
                return .failure(Rejection(problem: "\(shortNumber(number)) is out of range (allowed \(allowed))"))
            }
            return .success(number)
        }
    }
}

extension Conversion where T == Bool {
    /// `true` or `false` (YAML 1.1's yes/no/on/off too, since older tools write them).
    static var boolean: Conversion<Bool> {
        Conversion { node in
            switch node.plainText?.lowercased() {
            case "true", "yes", "on": return .success(true)
            case "false", "no", "off": return .success(false)
            default: return .failure(Rejection(problem: "expected true or false, found \(node.foundDescription)"))
            }
        }
    }
}

extension Conversion where T == String {
    /// Any non-empty scalar as text; `17` is accepted as "17" because names may be numbers.
    static var text: Conversion<String> {
        Conversion { node in
            guard case .scalar(let scalar) = node, !node.isNull else {
                return .failure(Rejection(problem: "expected a string, found \(node.foundDescription)"))
            }
            guard !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .failure(Rejection(problem: "must not be empty (write ~ to leave an optional key unset)"))
            }
            return .success(scalar.string)
        }
    }

    /// An absolute path, for device nodes that have no sensible "relative to the config" meaning.
    static var absolutePath: Conversion<String> {
        text.checked { path in
            path.hasPrefix("/") ? nil : "\(Node.quoted(path)) is not an absolute path (it must start with /)"
        }
    }

    /// The name of an environment variable. A bad name is not echoed: an operator who pasted
    /// the secret itself here would otherwise see it printed into the journal.
    static var environmentName: Conversion<String> {
        text.checked { name in
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
            let valid = name.unicodeScalars.allSatisfy(allowed.contains) && !(name.first?.isNumber ?? true)
            return valid ? nil : "is not a valid environment variable name (letters, digits and _, not starting"
                + " with a digit); the value is not shown in case it is the secret itself"
        }
    }
}

extension Conversion where T: CaseIterable & RawRepresentable, T.RawValue == String {
    /// One of the enum's raw values, ignoring case.
    static var choice: Conversion<T> {
        Conversion { node in
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            guard case .scalar(let scalar) = node, !node.isNull else {
                return .failure(Rejection(problem: "expected one of \(names), found \(node.foundDescription)"))
            }
            guard let value = T(rawValue: scalar.string.lowercased()) else {
                return .failure(Rejection(problem: "\(Node.quoted(scalar.string)) is not one of \(names)"))
            }
            return .success(value)
        }
    }
}

/// "expected <what>, found <node>", with a hint when the value only failed because it was quoted.
private func mistyped(_ node: Node, expected: String, parses: (String) -> Bool) -> String {
    if case .scalar(let scalar) = node, node.plainText == nil, parses(scalar.string) {
        return "expected \(expected), found the string \(Node.quoted(scalar.string)) (write numbers without quotes)"
    }
    return "expected \(expected), found \(node.foundDescription)"
}

/// `0.5` as "0.5" and `1.0` as "1", the way an operator would write them.
func shortNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}
