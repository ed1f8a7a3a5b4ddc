/// A test image the expert got most wrong: what an engineer looks at first when deciding whether
/// a model is fit for a line.
public struct WorstMiss: Sendable {
    /// Which way the image was missed.
    public enum Kind: Sendable, Equatable {
        /// A good part among the highest scored: the first to be rejected as the threshold drops.
        case goodScoredHighest
        /// A defect among the lowest scored: the first to escape as the threshold rises.
        case defectScoredLowest
    }

    /// Which way it was missed.
    public let kind: Kind
    /// 0 for the worst of its kind.
    public let rank: Int
    /// The image, its label and its scores.
    public let image: EvaluationReport.ImageResult

    /// The overlay's file name in the report folder ("good-0.png", "defect-1.png", ...).
    public var fileName: String {
        (kind == .goodScoredHighest ? "good" : "defect") + "-\(rank).png"
    }

    /// How the report captions the kind.
    public var kindDescription: String {
        kind == .goodScoredHighest ? "good part, highest score" : "defect, lowest score"
    }

    /// Up to `perKind` good parts scored highest, then up to `perKind` defects scored lowest,
    /// each worst first.
    public static func select(from report: EvaluationReport, perKind: Int = 4) -> [WorstMiss] {
        let good = report.images.filter { !$0.sample.isAnomalous }.sorted { $0.score > $1.score }.prefix(perKind)
        let defects = report.images.filter { $0.sample.isAnomalous }.sorted { $0.score < $1.score }.prefix(perKind)
        return good.enumerated().map { WorstMiss(kind: .goodScoredHighest, rank: $0.offset, image: $0.element) }
            + defects.enumerated().map { WorstMiss(kind: .defectScoredLowest, rank: $0.offset, image: $0.element) }
    }
}
