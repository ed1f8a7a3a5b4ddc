/// Why teaching, loading or running a PatchCore model failed; one sentence each.
public enum PatchCoreError: Error, Equatable, CustomStringConvertible {
    case invalidSettings(String)
    case notEnoughImages(String)
    /// The model file is missing, truncated, corrupt, of another version, or does not match.
    case modelFile(path: String, reason: String)
    case inputMismatch(String)

    public var description: String {
        switch self {
        case .invalidSettings(let m): return "invalid PatchCore settings: \(m)"
        case .notEnoughImages(let m): return "not enough teach images: \(m)"
        case .modelFile(let path, let reason): return "model file \(path): \(reason)"
        case .inputMismatch(let m): return "input does not fit the model: \(m)"
        }
    }
}
