/// Why a kernel refused its parameters: they come from weight files, so a wrong shape is data,
/// not a programming error, and must reach the caller as an error rather than a trap.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A weight, bias or tensor buffer whose size or shape does not fit the layer; the text says which.
    case shapeMismatch(String)

    /// The message, for logs and command-line errors.
    public var description: String {
        switch self {
        case .shapeMismatch(let what): "shape mismatch: \(what)"
        }
    }
}

/// Throws unless `buffer` holds exactly `count` values; `what` names it in the message.
func expectCount(_ buffer: [Float], _ count: Int, _ what: String) throws {
    guard buffer.count == count else {
        throw KernelError.shapeMismatch("\(what): expected \(count) values, got \(buffer.count)")
    }
}
