/// Order statistics of one stage's timings, in milliseconds.
struct BenchStatistics {
    let median: Double
    let p90: Double
    let p99: Double
    let mean: Double

    /// Nearest-rank percentiles of `samples` (nanoseconds); all zero when there are none.
    init(nanoseconds samples: [UInt64]) {
        let sorted = samples.sorted().map { Double($0) / 1e6 }
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }
        median = rank(0.5)
        p90 = rank(0.9)
        p99 = rank(0.99)
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }
}
