/// Why the line cannot start; one sentence each, saying what to do.
public enum LineError: Error, Equatable, CustomStringConvertible {
    /// No model file at the recipe's path.
    case noModel(path: String)
    /// The model file exists but cannot be used (truncated, another format, another backbone).
    case unusableModel(path: String, reason: String)
    /// The model does not fit the configuration (precision, input size).
    case modelMismatch(path: String, reason: String)
    /// The backbone's weights cannot be loaded.
    case weights(String)
    /// The frame source cannot be set up.
    case source(String)

    public var description: String {
        switch self {
        case .noModel(let path):
            return "no model at \(path) (recipe.model); teach one from images of good parts with "
                + "'eagle-edge teach --out \(path) DIR', or run 'eagle-edge demo', which teaches its own"
        case .unusableModel(let path, let reason):
            return "the model \(path) cannot be used (\(reason)); teach it again with 'eagle-edge teach --out \(path) DIR'"
        case .modelMismatch(let path, let reason):
            return "the model \(path) does not fit the configuration: \(reason)"
        case .weights(let reason):
            return "the backbone's weights cannot be loaded: \(reason)"
        case .source(let reason):
            return "the frame source cannot be set up: \(reason)"
        }
    }
}
