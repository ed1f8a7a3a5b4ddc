/// Stops calling an endpoint that keeps failing, and probes it again later.
///
/// Closed: every request goes. After ``failureThreshold`` failed attempts in a row (or an
/// answer that asks for a long pause, such as a quota 429 with a far Retry-After) it opens:
/// requests are refused at once, without touching the network, until the pause is over. Then
/// one request goes as a probe (half-open): success closes it, failure opens it again for twice
/// the pause (up to ``maxPause``).
///
/// A value type, mutated under its owner's lock; times are CLOCK_MONOTONIC nanoseconds.
public struct CircuitBreaker: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case closed
        /// Refusing until the time given.
        case open(until: UInt64)
        /// One probe in flight; others refused.
        case halfOpen
    }

    /// What a caller may do now.
    public enum Permit: Sendable, Equatable {
        case call
        /// The one request that tests an endpoint after a pause.
        case probe
        /// Not now: the circuit is open until the time given (or a probe is in flight).
        case refused(until: UInt64?)
    }

    public let failureThreshold: Int
    /// The first pause, in nanoseconds.
    public let pause: UInt64
    public let maxPause: UInt64
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// The pause the next opening uses.
    private var nextPause: UInt64

    public init(failureThreshold: Int = 5, pauseSeconds: Double = 30, maxPauseSeconds: Double = 600) {
        self.failureThreshold = max(1, failureThreshold)
        pause = UInt64(max(0, pauseSeconds) * 1e9)
        maxPause = max(pause, UInt64(max(0, maxPauseSeconds) * 1e9))
        nextPause = pause
    }

    /// Asks to send a request at `now`.
    public mutating func permit(now: UInt64) -> Permit {
        switch state {
        case .closed: return .call
        case .halfOpen: return .refused(until: nil)
        case .open(let until):
            guard now >= until else { return .refused(until: until) }
            state = .halfOpen
            return .probe
        }
    }

    /// A request got an answer (whatever the model said).
    public mutating func succeeded() {
        state = .closed
        consecutiveFailures = 0
        nextPause = pause
    }

    /// An attempt failed at `now`; `pauseAtLeast` (ns) is what the endpoint asked for
    /// (Retry-After), and `forceOpen` opens at once (the endpoint said it will not serve for a
    /// while). Returns true when this opened the circuit.
    @discardableResult
    public mutating func failed(now: UInt64, pauseAtLeast: UInt64 = 0, forceOpen: Bool = false) -> Bool {
        consecutiveFailures += 1
        switch state {
        case .open:
            return false
        case .halfOpen:
            nextPause = min(maxPause, nextPause * 2)
            state = .open(until: now + max(nextPause, pauseAtLeast))
            return true
        case .closed:
            guard forceOpen || consecutiveFailures >= failureThreshold else { return false }
            state = .open(until: now + max(nextPause, pauseAtLeast))
            return true
        }
    }

    /// The probe permitted at `now` was never sent (its request could not be built): the next
    /// caller probes instead.
    public mutating func abandonProbe(now: UInt64) {
        if state == .halfOpen { state = .open(until: now) }
    }

    /// For status lines: closed, open or half-open.
    public var name: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }
}
