import Foundation

/// Latencies of a run of any length in fixed memory: a histogram whose buckets are 1 % wide
/// (each bound 1.01 times the one below, from 10 µs up to 10 minutes), so a percentile read from
/// it is within 1 % of the exact one, and a line that runs for months keeps the same ~1,800
/// counters. The exact smallest and largest values are kept beside it.
public struct LatencyHistogram: Sendable, Equatable {
    /// Lower bound of the first bucket, in milliseconds; smaller values count in it.
    static let floorMs = 0.01
    /// Ratio of consecutive bucket bounds.
    static let growth = 1.01
    static let bucketCount = Int((log(600_000 / floorMs) / log(growth)).rounded(.up)) + 1

    private var counts = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// Exact extremes, in milliseconds; nil before the first value.
    public private(set) var minimum: Double?
    public private(set) var maximum: Double?
    /// Sum of the values, for the mean.
    public private(set) var sum = 0.0

    public init() {}

    /// Counts one latency in milliseconds (negative values count as 0).
    public mutating func record(_ milliseconds: Double) {
        let value = milliseconds.isFinite ? max(milliseconds, 0) : 600_000
        counts[Self.bucket(of: value)] += 1
        count += 1
        sum += value
        minimum = min(minimum ?? value, value)
        maximum = max(maximum ?? value, value)
    }

    /// The value below which a `fraction` (0...1) of the recorded values lie: the upper bound
    /// of the bucket that holds that rank, never above the largest value seen; nil when empty.
    public func percentile(_ fraction: Double) -> Double? {
        guard count > 0, let maximum, let minimum else { return nil }
        let rank = max(1, UInt64((min(max(fraction, 0), 1) * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank {
                return min(max(Self.upperBound(of: index), minimum), maximum)
            }
        }
        return maximum
    }

    /// How many values lie at or below `milliseconds`, to the histogram's 1 % (a bucket counts
    /// when its upper bound is within the limit): a Prometheus bucket's cumulative count.
    public func count(atMost milliseconds: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if let maximum, maximum <= milliseconds { return count }
        var total: UInt64 = 0
        for (index, n) in counts.enumerated() where n > 0 {
            guard Self.upperBound(of: index) <= milliseconds * 1.000_000_1 else { break }
            total += n
        }
        return total
    }

    /// Mean latency in milliseconds; nil when empty.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Adds another histogram's values (e.g. a window's into the run's).
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        sum += other.sum
        if let m = other.minimum { minimum = min(minimum ?? m, m) }
        if let m = other.maximum { maximum = max(maximum ?? m, m) }
    }

    static func bucket(of value: Double) -> Int {
        guard value > floorMs else { return 0 }
        return min(Int((log(value / floorMs) / log(growth)).rounded(.up)), bucketCount - 1)
    }

    static func upperBound(of bucket: Int) -> Double {
        floorMs * pow(growth, Double(bucket))
    }
}
