/// Why a metric could not be computed. A metric that is undefined for its input throws one of
/// these rather than returning NaN, so a broken evaluation cannot print a plausible number.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// There was nothing to evaluate.
    case empty
    /// Scores and labels must pair up one to one.
    case countMismatch(scores: Int, labels: Int)
    /// A score (or a pixel of an anomaly map) at this index is NaN, which has no rank.
    case notANumber(index: Int)
    /// A ranking metric needs both classes; these are the counts it got.
    case singleClass(anomalous: Int, good: Int)
    /// A mask or map does not hold `width * height` values.
    case sizeMismatch(what: String, width: Int, height: Int, values: Int)
    /// The upper FPR limit of an area must lie in (0, 1].
    case invalidIntegrationLimit(Double)
    /// A decision threshold must be a number.
    case invalidThreshold(Double)

    public var description: String {
        switch self {
        case .empty:
            return "nothing to evaluate: the input is empty"
        case .countMismatch(let scores, let labels):
            return "got \(scores) scores but \(labels) labels; they must pair up one to one"
        case .notANumber(let index):
            return "the score at index \(index) is NaN and cannot be ranked"
        case .singleClass(let anomalous, let good):
            return "the metric needs both good and anomalous samples, got \(good) good and \(anomalous) anomalous"
        case .sizeMismatch(let what, let width, let height, let values):
            return "a \(width)x\(height) \(what) needs \(max(0, width * height)) values, got \(values)"
        case .invalidIntegrationLimit(let limit):
            return "the FPR integration limit must lie in (0, 1], got \(limit)"
        case .invalidThreshold(let threshold):
            return "the decision threshold must be a number, got \(threshold)"
        }
    }
}
