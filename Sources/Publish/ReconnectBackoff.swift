/// How long to wait before the next connection attempt: "full jitter" exponential back-off.
///
/// The n-th consecutive failed attempt waits a uniformly random time in
/// `minimum ... min(cap, base * 2^n)`, so a fleet of stations that lost the same broker does
/// not come back in lock step, and a broker that stays away costs at most one attempt per
/// `cap`. libmosquitto's own back-off is quadratic and without jitter, so the client drives its
/// reconnects with this instead.
public struct ReconnectBackoff: Sendable, Equatable {
    /// The upper bound of the first wait, in seconds.
    public var base: Double
    /// The largest wait, in seconds.
    public var cap: Double
    /// The smallest wait, in seconds: a broker that refuses at once is not hammered.
    public var minimum: Double

    /// 0.5 s growing to at most 30 s, never less than 0.1 s.
    public init(base: Double = 0.5, cap: Double = 30, minimum: Double = 0.1) {
        self.base = base
        self.cap = cap
        self.minimum = minimum
    }

    /// The largest wait after `failures` consecutive failed attempts (0 for the first retry).
    public func ceiling(afterFailures failures: Int) -> Double {
        // 2^n overflows nothing: the exponent is clamped well before Double's range ends.
        let grown = base * Double(1 << min(max(failures, 0), 40))
        return max(minimum, min(cap, grown))
    }

    /// A random wait, in seconds, after `failures` consecutive failed attempts.
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let ceiling = ceiling(afterFailures: failures)
        guard ceiling > minimum else { return minimum }
        return Double.random(in: minimum...ceiling, using: &generator)
    }
}
