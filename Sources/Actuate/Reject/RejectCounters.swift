/// What the reject scheduler has done since it started. Each part taken ends in exactly one of
/// rejected, passed, fail-safe rejected or missed.
public struct RejectCounters: Sendable, Equatable, Codable {
    public var parts: UInt64 = 0
    public var rejected: UInt64 = 0
    public var passed: UInt64 = 0
    public var failSafeRejected: UInt64 = 0
    public var missed: UInt64 = 0
    /// Output pulses started, and parts whose pulse ran into the one before and was merged into it.
    public var pulses: UInt64 = 0
    public var merged: UInt64 = 0
    /// Verdicts that came after their part had reached the actuator (it took the fail-safe action).
    public var lateVerdicts: UInt64 = 0
    /// Parts refused because the queue of parts in flight was full (counted missed as well).
    public var queueFull: UInt64 = 0
    /// Pulses the reject-confirm input did not confirm in time: the actuator did not act.
    public var unconfirmed: UInt64 = 0
    /// Times the output was held active for a fault of the line.
    public var faultHolds: UInt64 = 0
    /// Failures to drive the output (the runner's; the schedule itself cannot fail).
    public var outputErrors: UInt64 = 0
    /// The timing error of every pulse fired for a part.
    public var timing = TimingErrors()

    public init() {}

    /// Parts that have ended: the four outcomes together.
    public var ended: UInt64 { rejected + passed + failSafeRejected + missed }

    mutating func count(_ result: RejectResult) {
        switch result.outcome {
        case .rejected: rejected += 1
        case .passed: passed += 1
        case .failSafeRejected: failSafeRejected += 1
        case .missed: missed += 1
        }
        if let error = result.timingErrorNanoseconds { timing.record(error) }
    }
}

/// Timing errors of reject pulses: the latest few thousand for percentiles, all for the extremes.
public struct TimingErrors: Sendable, Equatable, Codable {
    public static let kept = 4096
    /// The latest errors in nanoseconds, oldest overwritten first.
    private var recent: [Int64] = []
    private var next = 0
    public private(set) var count: UInt64 = 0
    public private(set) var maxNanoseconds: Int64 = 0
    public private(set) var minNanoseconds: Int64 = 0

    public init() {}

    mutating func record(_ error: Int64) {
        if count == 0 {
            maxNanoseconds = error
            minNanoseconds = error
        } else {
            maxNanoseconds = max(maxNanoseconds, error)
            minNanoseconds = min(minNanoseconds, error)
        }
        count += 1
        if recent.count < Self.kept {
            recent.append(error)
        } else {
            recent[next] = error
            next = (next + 1) % Self.kept
        }
    }

    /// The `fraction` percentile of the recent errors in milliseconds (nearest rank); nil before any.
    public func percentileMs(_ fraction: Double) -> Double? {
        guard !recent.isEmpty else { return nil }
        let sorted = recent.sorted()
        let rank = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1e6
    }

    public var maxMs: Double? { count == 0 ? nil : Double(maxNanoseconds) / 1e6 }
}
