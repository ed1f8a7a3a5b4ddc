import Foundation

/// What the explainer has done since it started.
public struct ExplainerCounters: Sendable, Equatable, Codable {
    /// Parts accepted into the queue.
    public var submitted = 0
    public var explained = 0
    public var failed = 0
    /// Parts never sent (``dropped`` + ``refused`` + those left at close).
    public var notExplained = 0
    /// Dropped from a full queue for a newer part.
    public var dropped = 0
    /// Refused at once while the circuit was open.
    public var refused = 0
    /// HTTP requests sent, and how many of them were retries.
    public var requests = 0
    public var retries = 0
    /// Answers that needed salvaging (fence, prose, truncation, renamed fields).
    public var salvaged = 0
    /// Waiting now, and being asked now.
    public var queued = 0
    public var inFlight = 0
    /// closed, open or half-open.
    public var breaker = "closed"
    /// Times the circuit opened.
    public var breakerOpened = 0
    /// CPU-side cost per sent part: building the request (crop, scale, JPEG, base64, JSON)
    /// and reading the answer, in milliseconds, summed.
    public var buildMs = 0.0
    public var parseMs = 0.0

    public init() {}

    /// One line for people: outcomes, requests and the CPU-side cost per part sent.
    public var summary: String {
        let sent = max(1, explained + failed)
        let cost = String(format: "%.1f ms building and %.2f ms reading per part", buildMs / Double(sent), parseMs / Double(sent))
        let outcomes = "explained \(explained) (salvaged \(salvaged)), failed \(failed), not explained \(notExplained)"
        let why = "queue full \(dropped), endpoint paused \(refused)"
        let calls = "\(requests) requests, \(retries) retries"
        return "\(submitted) flagged: \(outcomes) (\(why)); \(calls); \(cost); circuit \(breaker), opened \(breakerOpened) times"
    }
}
