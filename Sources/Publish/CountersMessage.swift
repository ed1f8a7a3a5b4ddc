import Foundation

/// The payload of `.../counters`, published every `mqtt.counters_interval_s` (QoS 1, not
/// retained): what the line and its publisher have done since the appliance started
/// (docs/mqtt/counters.schema.json). Every count is cumulative, so a message that never arrives
/// loses nothing: the next one carries the totals.
public struct CountersMessage: Encodable, Sendable, Equatable {
    public static let schemaVersion = 1

    /// Part records by outcome; each part counts once in `total`, once by verdict or by the
    /// reason it was not inspected.
    public struct Parts: Encodable, Sendable, Equatable {
        public var total: UInt64
        public var pass: UInt64
        public var reject: UInt64
        public var unsure: UInt64
        /// Parts the actuator rejects (rejected, unsure handled as reject, fail-safe).
        public var actuatorReject: UInt64
        /// Parts not inspected, by reason (`over_budget`, `camera_lost`, ...).
        public var notInspected: [String: UInt64]

        public init(total: UInt64, pass: UInt64, reject: UInt64, unsure: UInt64, actuatorReject: UInt64,
                    notInspected: [String: UInt64]) {
            self.total = total
            self.pass = pass
            self.reject = reject
            self.unsure = unsure
            self.actuatorReject = actuatorReject
            self.notInspected = notInspected
        }

        private enum CodingKeys: String, CodingKey {
            case total, pass, reject, unsure
            case actuatorReject = "actuator_reject"
            case notInspected = "not_inspected"
        }
    }

    /// Percentiles in milliseconds.
    public struct Latency: Encodable, Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        public var max: Double

        public init(p50: Double, p99: Double, max: Double) {
            self.p50 = p50
            self.p99 = p99
            self.max = max
        }
    }

    /// The publisher's own counts.
    public struct Publishing: Encodable, Sendable, Equatable {
        public var connected: Bool
        /// Accepted connections, the first included.
        public var connects: Int
        /// Results and events handed to the broker (a message sent again counts again).
        public var sent: Int
        /// Results and events the broker acknowledged.
        public var acknowledged: Int
        /// Messages the broker refused (MQTT 5 reason 128 and above).
        public var refused: Int
        /// Undelivered messages dropped by the spool bound.
        public var lost: Int
        /// Messages waiting in the journal's outbox, and the age of the oldest in seconds.
        public var backlog: Int
        public var oldestAgeS: Double?
        /// From the verdict to the broker's acknowledgement, for results sent live.
        public var deliveryMs: Latency?

        public init(connected: Bool, connects: Int, sent: Int, acknowledged: Int, refused: Int, lost: Int, backlog: Int,
                    oldestAgeS: Double?, deliveryMs: Latency?) {
            self.connected = connected
            self.connects = connects
            self.sent = sent
            self.acknowledged = acknowledged
            self.refused = refused
            self.lost = lost
            self.backlog = backlog
            self.oldestAgeS = oldestAgeS
            self.deliveryMs = deliveryMs
        }

        private enum CodingKeys: String, CodingKey {
            case connected, connects, sent, acknowledged, refused, lost, backlog
            case oldestAgeS = "oldest_age_s"
            case deliveryMs = "delivery_ms"
        }
    }

    public var line: String
    public var station: String
    /// When the counts were read.
    public var at: Date
    /// Seconds since the line started.
    public var uptimeS: Double
    /// Seconds between two counters messages.
    public var intervalS: Double
    /// Parts per second over the last few seconds.
    public var partsPerSecond: Double
    public var parts: Parts
    /// Frames not inspected by cause: `driver` (sequence gaps), `busy` (replaced while the expert
    /// was busy), `corrupt`, `over_budget`.
    public var drops: [String: UInt64]
    /// Times the camera was opened again after it was lost.
    public var cameraReopened: UInt64
    /// Capture to verdict, over the whole run; nil before the first part.
    public var latencyMs: Latency?
    public var mqtt: Publishing

    public init(line: String, station: String, at: Date, uptimeS: Double, intervalS: Double, partsPerSecond: Double,
                parts: Parts, drops: [String: UInt64], cameraReopened: UInt64, latencyMs: Latency?, mqtt: Publishing) {
        self.line = line
        self.station = station
        self.at = at
        self.uptimeS = uptimeS
        self.intervalS = intervalS
        self.partsPerSecond = partsPerSecond
        self.parts = parts
        self.drops = drops
        self.cameraReopened = cameraReopened
        self.latencyMs = latencyMs
        self.mqtt = mqtt
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case line, station, at, parts, drops, mqtt
        case uptimeS = "uptime_s"
        case intervalS = "interval_s"
        case partsPerSecond = "parts_per_second"
        case cameraReopened = "camera_reopened"
        case latencyMs = "latency_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schemaVersion, forKey: .schemaVersion)
        try container.encode(line, forKey: .line)
        try container.encode(station, forKey: .station)
        try container.encode(at, forKey: .at)
        try container.encode(uptimeS, forKey: .uptimeS)
        try container.encode(intervalS, forKey: .intervalS)
        try container.encode(partsPerSecond, forKey: .partsPerSecond)
        try container.encode(parts, forKey: .parts)
        try container.encode(drops, forKey: .drops)
        try container.encode(cameraReopened, forKey: .cameraReopened)
        try container.encodeIfPresent(latencyMs, forKey: .latencyMs)
        try container.encode(mqtt, forKey: .mqtt)
    }
}
