/// The expert's decision on one part.
public enum Verdict: String, Sendable, Equatable, CaseIterable {
    case pass
    case reject
    /// Within the unsure band around the threshold; the line decides what to do with it.
    case unsure

    /// The verdict for a normalised score (threshold at 0.5) and a band half-width.
    public init(normalizedScore: Double, unsureBand: Double) {
        if normalizedScore >= 0.5 + unsureBand {
            self = .reject
        } else if normalizedScore < 0.5 - unsureBand {
            self = .pass
        } else {
            self = .unsure
        }
    }
}
