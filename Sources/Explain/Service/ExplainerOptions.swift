import Inspection

/// How the explainer queues, sends and retries (`mllm.*`).
public struct ExplainerOptions: Sendable {
    /// The verdicts explained; other parts are ignored by ``Explainer/submit(_:)``.
    public var verdicts: Set<Verdict>
    /// Parts waiting for a worker; beyond it the oldest waiting is dropped as not explained.
    public var queueCapacity: Int
    /// Requests in flight at once (one worker thread each).
    public var concurrency: Int
    /// Seconds for one HTTP request.
    public var timeout: Double
    /// Further attempts after a retryable failure (408, 409, 429, 5xx, timeout, connection).
    public var retries: Int
    public var backoff: Backoff
    /// The longest Retry-After waited for before retrying; a longer one (a quota 429) gives up
    /// the part and pauses the endpoint (circuit open) for that long instead.
    public var maxRetryAfter: Double
    /// Failed attempts in a row that open the circuit.
    public var breakerFailures: Int
    /// Seconds the circuit stays open before the first probe; doubled after a failed probe.
    public var breakerPause: Double
    public var breakerMaxPause: Double
    /// Largest response body accepted.
    public var maxResponseBytes: Int

    public init(verdicts: Set<Verdict> = [.reject, .unsure], queueCapacity: Int = 16, concurrency: Int = 1,
                timeout: Double = 30, retries: Int = 2, backoff: Backoff = Backoff(), maxRetryAfter: Double = 30,
                breakerFailures: Int = 5, breakerPause: Double = 30, breakerMaxPause: Double = 600,
                maxResponseBytes: Int = 1 << 20) {
        self.verdicts = verdicts
        self.queueCapacity = max(1, queueCapacity)
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.maxRetryAfter = maxRetryAfter
        self.breakerFailures = breakerFailures
        self.breakerPause = breakerPause
        self.breakerMaxPause = breakerMaxPause
        self.maxResponseBytes = maxResponseBytes
    }
}
