/// How fast the capture loop retries a lost source: exponential back-off with a ceiling.
public struct RecoveryPolicy: Sendable, Equatable {
    /// Delay before the first retry, seconds.
    public var initialDelay: Double
    /// Longest delay between retries, seconds.
    public var maximumDelay: Double
    /// Growth factor per failed attempt (>= 1).
    public var multiplier: Double

    /// The appliance's default: 0.25 s, doubling up to 10 s. A replugged USB camera is back
    /// within a second or two; a dead one costs one `open` every 10 s.
    public init(initialDelay: Double = 0.25, maximumDelay: Double = 10, multiplier: Double = 2) {
        self.initialDelay = max(0, initialDelay)
        self.maximumDelay = max(self.initialDelay, maximumDelay)
        self.multiplier = max(1, multiplier)
    }

    /// The wait before attempt number `failures + 1`, after `failures` consecutive failures (>= 1).
    public func delay(afterFailures failures: Int) -> Double {
        var delay = initialDelay
        // Growth stops at the ceiling, so huge failure counts cost no more than a few steps.
        for _ in 1..<max(1, failures) {
            guard multiplier > 1, delay < maximumDelay, delay > 0 else { break }
            delay *= multiplier
        }
        return min(delay, maximumDelay)
    }
}
