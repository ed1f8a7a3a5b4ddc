/// Checks shared by the image-level metrics. Done before any sorting because a NaN makes a sort's
/// order undefined, and a length mismatch would otherwise surface as an index trap.
enum ScoreValidation {
    /// Returns how many samples are anomalous and how many good.
    static func classCounts(scores: [Double], labels: [Bool]) throws(MetricsError) -> (anomalous: Int, good: Int) {
        guard scores.count == labels.count else {
            throw .countMismatch(scores: scores.count, labels: labels.count)
        }
        guard !scores.isEmpty else { throw .empty }
        if let index = scores.firstIndex(where: { $0.isNaN }) {
            throw .notANumber(index: index)
        }
        let anomalous = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        return (anomalous, labels.count - anomalous)
    }

    /// As `classCounts`, and throws unless both classes are present (a ranking needs both).
    static func bothClasses(scores: [Double], labels: [Bool]) throws(MetricsError) -> (anomalous: Int, good: Int) {
        let counts = try classCounts(scores: scores, labels: labels)
        guard counts.anomalous > 0, counts.good > 0 else {
            throw .singleClass(anomalous: counts.anomalous, good: counts.good)
        }
        return counts
    }
}
