/// The last few seconds of a line's parts: how many per second, and their latencies, for the
/// live status (the run's whole history is in ``LatencyHistogram``). Fixed memory: a ring of the
/// newest `capacity` parts.
public struct RecentRate: Sendable {
    private var times: [UInt64]
    private var latencies: [Double]
    private var next = 0
    private var filled = 0

    public init(capacity: Int = 1024) {
        times = [UInt64](repeating: 0, count: max(capacity, 2))
        latencies = [Double](repeating: 0, count: max(capacity, 2))
    }

    /// Notes a part decided at `time` (CLOCK_MONOTONIC ns) with its capture-to-verdict latency.
    public mutating func record(at time: UInt64, latencyMs: Double) {
        times[next] = time
        latencies[next] = latencyMs
        next = (next + 1) % times.count
        filled = min(filled + 1, times.count)
    }

    /// Parts per second over the `window` seconds before `now` (or the ring's span, if shorter).
    public func perSecond(now: UInt64, window: Double = 5) -> Double {
        let cutoff = now &- UInt64(window * 1e9)
        let recent = indices.filter { times[$0] >= cutoff && times[$0] <= now }
        guard let oldest = recent.map({ times[$0] }).min(), recent.count > 1 else { return 0 }
        let span = max(Double(now - oldest) / 1e9, 1e-3)
        return Double(recent.count - 1) / span
    }

    /// The latency below which `fraction` of the parts in the window lie; nil when none.
    public func latencyPercentile(_ fraction: Double, now: UInt64, window: Double = 10) -> Double? {
        let cutoff = now &- UInt64(window * 1e9)
        let recent = indices.filter { times[$0] >= cutoff && times[$0] <= now }.map { latencies[$0] }.sorted()
        guard !recent.isEmpty else { return nil }
        let rank = Int((min(max(fraction, 0), 1) * Double(recent.count)).rounded(.up))
        return recent[max(rank, 1) - 1]
    }

    private var indices: [Int] { Array(0..<filled) }
}
