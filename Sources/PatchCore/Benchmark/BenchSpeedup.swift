/// How much faster a subject ran than the first subject at the same thread count: the first's
/// median over its own, per stage.
public struct BenchSpeedup: Sendable {
    /// The stages compared.
    public static let stages: [BenchStage] = [.backbone, .search, .expert, .frame]

    /// "fp32 vs int8, 2 threads": the subject's precision against the first's.
    public let label: String
    /// One ratio per stage of ``stages``, in that order; above 1 is faster than the first.
    public let ratios: [(stage: BenchStage, ratio: Double)]

    /// For each thread count (ascending), every result after the first at that count against the first.
    public static func rows(_ results: [BenchResult]) -> [BenchSpeedup] {
        var rows: [BenchSpeedup] = []
        for threads in Set(results.map(\.threads)).sorted() {
            let same = results.filter { $0.threads == threads }
            guard let base = same.first else { continue }
            for other in same.dropFirst() {
                rows.append(BenchSpeedup(
                    label: "\(other.precision.rawValue) vs \(base.precision.rawValue), \(BenchReport.threads(threads))",
                    ratios: stages.map { ($0, base[$0].median / max(other[$0].median, 1e-9)) }))
            }
        }
        return rows
    }
}
