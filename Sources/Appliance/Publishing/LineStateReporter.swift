import Foundation
import Publish

/// The publisher thread's part that publishes state rather than records: the line's counters
/// every interval on `.../counters` and its health, retained, on `.../health` whenever a
/// component's state or reason changes and on every connect.
///
/// State goes straight to the client, not through the journal's outbox: a counters message
/// is superseded by the next (every count in it is cumulative) and the retained health by the
/// current one, so neither is worth keeping across an outage or a restart, and a backlog of
/// stale state would only delay the results. While the broker is away nothing is sent; the
/// next connect publishes the current health and counters.
struct LineStateReporter {
    let status: @Sendable () -> LineStatus
    let topics: StationTopics
    /// The station's line and station names.
    let station: StatusMessage
    let encoder: PayloadEncoder
    let intervalSeconds: Double
    private var nextCounters: UInt64 = 0
    private var nextHealthLook: UInt64 = 0
    /// The conditions last published on `health`; nil when the current connection has not
    /// had one yet.
    private var publishedHealth: [String]?
    private var connection: Int?

    init(status: @escaping @Sendable () -> LineStatus, topics: StationTopics, station: StatusMessage, encoder: PayloadEncoder,
         intervalSeconds: Double) {
        self.status = status
        self.topics = topics
        self.station = station
        self.encoder = encoder
        self.intervalSeconds = intervalSeconds
    }

    /// Publishes what is due; `connection` is the current connection's number, nil while
    /// disconnected.
    mutating func tick(now: UInt64, connection: Int?, publisher: OutboxPublisher) {
        guard let connection else { return }
        if connection != self.connection {
            self.connection = connection
            publishedHealth = nil
            nextCounters = now
        }
        if publishedHealth == nil || now >= nextHealthLook {
            nextHealthLook = now + 1_000_000_000
            publishHealthIfChanged(publisher: publisher)
        }
        if now >= nextCounters {
            nextCounters = now + UInt64(max(intervalSeconds, 0.1) * 1e9)
            publishCounters(publisher: publisher)
        }
    }

    mutating func publishHealthIfChanged(publisher: OutboxPublisher) {
        var health = status().health
        if !health.components.contains(where: { $0.name == "mqtt" }) {
            health.components.append(publisher.health)
        }
        let conditions = health.components.map(\.condition)
        guard conditions != publishedHealth else { return }
        let message = HealthMessage(line: station.line, station: station.station, at: Date(), overall: health.overall.rawValue,
                                    components: health.components.map {
                                        HealthMessage.Component(name: $0.name, state: $0.state.rawValue, detail: $0.detail,
                                                                backlog: $0.backlog, oldestAgeS: $0.oldestAgeSeconds.map(Self.rounded))
                                    })
        guard let payload = try? encoder.encode(message),
              publisher.publishState(topic: topics.health, payload: payload, retain: true) else { return }
        publishedHealth = conditions
    }

    func publishCounters(publisher: OutboxPublisher) {
        guard let payload = try? encoder.encode(countersMessage(status(), publisher.counters)) else { return }
        _ = publisher.publishState(topic: topics.counters, payload: payload, retain: false)
    }

    func countersMessage(_ line: LineStatus, _ mqtt: OutboxPublisher.Counters) -> CountersMessage {
        let c = line.counters
        var notInspected: [String: UInt64] = [:]
        for (reason, count) in c.notInspected { notInspected[reason.rawValue] = count }
        var drops: [String: UInt64] = [:]
        for drop in c.drops { drops[drop.cause] = drop.count }
        let parts = CountersMessage.Parts(total: c.parts, pass: c.passed, reject: c.rejected, unsure: c.unsure,
                                          actuatorReject: c.actionReject, notInspected: notInspected)
        let publishing = CountersMessage.Publishing(
            connected: mqtt.connected, connects: mqtt.connects, sent: mqtt.sent, acknowledged: mqtt.acknowledged,
            refused: mqtt.refused, lost: mqtt.lost, backlog: mqtt.backlog, oldestAgeS: mqtt.oldestAgeSeconds.map(Self.rounded),
            deliveryMs: Self.latency(mqtt.delivery))
        return CountersMessage(line: station.line, station: station.station, at: Date(), uptimeS: Self.rounded(line.uptime),
                               intervalS: intervalSeconds, partsPerSecond: Self.rounded(line.partsPerSecond), parts: parts,
                               drops: drops, cameraReopened: c.capture.reopened, latencyMs: Self.latency(line.latency),
                               mqtt: publishing)
    }

    private static func latency(_ histogram: LatencyHistogram) -> CountersMessage.Latency? {
        guard let p50 = histogram.percentile(0.5), let p99 = histogram.percentile(0.99), let max = histogram.maximum else { return nil }
        return CountersMessage.Latency(p50: rounded(p50), p99: rounded(p99), max: rounded(max))
    }

    /// Three decimals are plenty for people and keep the payload short.
    private static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
