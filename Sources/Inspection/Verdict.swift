/// The expert's decision on one inspected part.
public enum Verdict: String, Sendable, Equatable, CaseIterable, Codable {
    case pass
    case reject
    /// Within the unsure band around the threshold; the line decides what to do with it
    /// (`decision.on_unsure`).
    case unsure

    /// The verdict for a normalised score (threshold at 0.5) and a band half-width: a score
    /// at or above 0.5 + band rejects, one below 0.5 - band passes, the rest is unsure.
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
