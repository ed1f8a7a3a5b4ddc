/// Why an imaging operation failed. Every message is one sentence fit for a log line.
public enum ImagingError: Error, Equatable, CustomStringConvertible {
    /// Sizes, rectangles or buffer lengths that do not fit together.
    case invalidGeometry(String)
    /// The compressed data could not be decoded (corrupt, truncated, unsupported).
    case decodeFailed(format: String, reason: String)
    /// The declared image is larger than the caller allows.
    case tooLarge(format: String, reason: String)
    /// The encoder refused the image or ran out of memory.
    case encodeFailed(format: String, reason: String)
    /// A file could not be read or written.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidGeometry(let reason): return "invalid image geometry: \(reason)"
        case .decodeFailed(let format, let reason): return "cannot decode \(format): \(reason)"
        case .tooLarge(let format, let reason): return "\(format) image too large: \(reason)"
        case .encodeFailed(let format, let reason): return "cannot encode \(format): \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
