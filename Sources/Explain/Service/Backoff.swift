/// Full-jitter exponential back-off: before retry `n` (0 for the first) wait a uniformly random
/// time in `0...min(cap, base * 2^n)`. The randomness keeps many clients (or workers) from
/// retrying in step against an endpoint that has just come back.
public struct Backoff: Sendable, Equatable {
    /// Seconds of the first window.
    public var base: Double
    /// Largest window, in seconds.
    public var cap: Double

    public init(base: Double = 0.5, cap: Double = 8) {
        self.base = base
        self.cap = cap
    }

    /// The window before retry `attempt`, in seconds.
    public func window(attempt: Int) -> Double {
        min(cap, base * Double(1 << min(max(attempt, 0), 30)))
    }

    /// A wait before retry `attempt`, drawn with `random` (which returns values in 0..<1).
    public func delay(attempt: Int, random: () -> Double) -> Double {
        window(attempt: attempt) * random()
    }
}
