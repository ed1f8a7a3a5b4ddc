/// What the page, `/healthz` and `/metrics` show of the running line at one moment: made by the
/// app from its own status, so this module needs nothing above it.
public struct StatusSnapshot: Sendable, Encodable {
    public var uptimeSeconds: Double
    public var partsPerSecond: Double
    /// 99th percentile of the last seconds' capture-to-verdict latencies, in milliseconds.
    public var recentP99Ms: Double?
    /// Parts by outcome: `pass`, `reject`, `unsure`, `not_inspected`.
    public var verdicts: [String: UInt64]
    public var health: [ComponentHealth]
    /// `ok`, `degraded` or `failed`: the worst component's state.
    public var overall: String
    /// The components that are not ok, in one sentence; empty when all are.
    public var problems: String
    /// Capture-to-verdict latency of every part since the start.
    public var latency: LatencyBuckets
    /// Everything else `/metrics` exports (frames, drops, memory, ...).
    public var metrics: [MetricFamily]

    public init(uptimeSeconds: Double, partsPerSecond: Double, recentP99Ms: Double?, verdicts: [String: UInt64],
                health: [ComponentHealth], overall: String, problems: String, latency: LatencyBuckets, metrics: [MetricFamily]) {
        self.uptimeSeconds = uptimeSeconds
        self.partsPerSecond = partsPerSecond
        self.recentP99Ms = recentP99Ms
        self.verdicts = verdicts
        self.health = health
        self.overall = overall
        self.problems = problems
        self.latency = latency
        self.metrics = metrics
    }

    /// Whether `/healthz` answers 200: nothing failed (a degraded component loses no decision).
    public var isHealthy: Bool { overall != "failed" }

    enum CodingKeys: String, CodingKey {
        case uptimeSeconds = "uptime_seconds"
        case partsPerSecond = "parts_per_second"
        case recentP99Ms = "recent_p99_ms"
        case verdicts, health, overall, problems, latency
    }
}

/// One component's state: `camera`, `expert`, `journal`, `archive`, `mqtt`, `actuator`.
public struct ComponentHealth: Sendable, Encodable, Equatable {
    public var name: String
    public var state: String
    public var detail: String?

    public init(name: String, state: String, detail: String? = nil) {
        self.name = name
        self.state = state
        self.detail = detail
    }
}

/// A latency histogram in Prometheus' shape: cumulative counts at upper bounds in seconds.
public struct LatencyBuckets: Sendable, Encodable, Equatable {
    /// Upper bounds in seconds, ascending, and how many values lie at or below each.
    public var bounds: [Double]
    public var cumulativeCounts: [UInt64]
    public var count: UInt64
    public var sumSeconds: Double
    /// Percentiles of the whole run, in milliseconds, for people.
    public var p50Ms: Double?
    public var p99Ms: Double?
    public var maxMs: Double?

    public init(bounds: [Double], cumulativeCounts: [UInt64], count: UInt64, sumSeconds: Double, p50Ms: Double?, p99Ms: Double?,
                maxMs: Double?) {
        self.bounds = bounds
        self.cumulativeCounts = cumulativeCounts
        self.count = count
        self.sumSeconds = sumSeconds
        self.p50Ms = p50Ms
        self.p99Ms = p99Ms
        self.maxMs = maxMs
    }

    enum CodingKeys: String, CodingKey {
        case count
        case p50Ms = "p50_ms"
        case p99Ms = "p99_ms"
        case maxMs = "max_ms"
    }
}

/// A Prometheus metric family: one name, its help, its type and its labelled samples.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case counter, gauge
    }

    public struct Sample: Sendable, Equatable {
        /// Label names and values, in the order written.
        public var labels: [(String, String)]
        public var value: Double

        public init(_ labels: [(String, String)], _ value: Double) {
            self.labels = labels
            self.value = value
        }

        /// A sample without labels.
        public init(_ value: Double) {
            self.init([], value)
        }

        public static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.value == rhs.value && lhs.labels.map { "\($0.0)=\($0.1)" } == rhs.labels.map { "\($0.0)=\($0.1)" }
        }
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var samples: [Sample]

    public init(name: String, help: String, kind: Kind, samples: [Sample]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }
}
