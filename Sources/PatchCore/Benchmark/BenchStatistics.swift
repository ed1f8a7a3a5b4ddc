/// Order statistics of one stage's timings, in milliseconds.
public struct BenchStatistics: Sendable, Equatable {
    /// The typical frame.
    public let median: Double
    /// At most one frame in ten is slower.
    public let p90: Double
    /// At most one frame in a hundred is slower: what a line's cycle time must allow for.
    public let p99: Double
    /// What throughput follows from.
    public let mean: Double

    /// Nearest-rank percentiles of `samples` (nanoseconds): the smallest sample with at least
    /// that share of the samples at or below it, so every figure is a time that was measured.
    /// All zero when there are no samples.
    public init(nanoseconds samples: [UInt64]) {
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
