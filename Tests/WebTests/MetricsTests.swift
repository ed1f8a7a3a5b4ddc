import Foundation
import XCTest

@testable import Appliance

/// `/metrics` of a running line: valid for Prometheus' own checker, and saying what the line did.
final class MetricsTests: XCTestCase {
    func testMetricsPassPromtoolAndAddUp() throws {
        let promtool = try tool("promtool", package: "prometheus")
        let running = try RunningLine(test: self)
        try running.wait { $0.counters.parts >= 5 }
        running.stopLine()
        let reply = try curl(running.url("/metrics"))
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.contentType, "text/plain; version=0.0.4; charset=utf-8")
        // promtool exits non-zero, naming the line, on a malformed exposition or a name
        // against the conventions (a counter without _total, a unit not in base units).
        XCTAssertEqual(try runTool(promtool, ["check", "metrics"], input: reply.body), "")

        let samples = Self.samples(reply.text)
        let status = running.line.status
        XCTAssertEqual(samples["eagle_edge_parts_total{verdict=\"pass\"}"], Double(status.counters.passed))
        XCTAssertEqual(samples["eagle_edge_parts_total{verdict=\"reject\"}"], Double(status.counters.rejected))
        XCTAssertEqual(samples["eagle_edge_parts_total{verdict=\"unsure\"}"], Double(status.counters.unsure))
        XCTAssertEqual(samples["eagle_edge_parts_total{verdict=\"not_inspected\"}"], Double(status.counters.notInspectedTotal))
        XCTAssertEqual(samples["eagle_edge_frames_total"], Double(status.counters.framesTaken))
        XCTAssertEqual(samples["eagle_edge_component_state{component=\"camera\",state=\"failed\"}"], 1, "the line has stopped")

        // The histogram: cumulative buckets that end at the count, one value per part recorded.
        let count = try XCTUnwrap(samples["eagle_edge_part_latency_seconds_count"])
        XCTAssertEqual(count, Double(status.counters.parts))
        XCTAssertEqual(samples["eagle_edge_part_latency_seconds_bucket{le=\"+Inf\"}"], count)
        let buckets = LineStatusPage.latencyBounds.compactMap { samples["eagle_edge_part_latency_seconds_bucket{le=\"\(Self.number($0))\"}"] }
        XCTAssertEqual(buckets.count, LineStatusPage.latencyBounds.count)
        XCTAssertEqual(buckets, buckets.sorted(), "cumulative")
        let sum = try XCTUnwrap(samples["eagle_edge_part_latency_seconds_sum"])
        XCTAssertEqual(sum, status.latency.sum / 1000, accuracy: 1e-6)
    }

    func testHistogramBucketsCountTheValuesAtOrBelowTheirBound() throws {
        var latency = LatencyHistogram()
        for ms in [3.0, 8, 12, 40, 40, 90, 450, 3000] { latency.record(ms) }
        let buckets = LineStatusPage.buckets(latency)
        let counts = Dictionary(uniqueKeysWithValues: zip(buckets.bounds, buckets.cumulativeCounts))
        XCTAssertEqual(counts[0.005], 1)
        XCTAssertEqual(counts[0.01], 2)
        XCTAssertEqual(counts[0.05], 5)
        XCTAssertEqual(counts[0.1], 6)
        XCTAssertEqual(counts[0.5], 7)
        XCTAssertEqual(counts[2.5], 7)
        XCTAssertEqual(counts[5], 8)
        XCTAssertEqual(buckets.sumSeconds, 3.643, accuracy: 1e-9)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : "\(value)"
    }

    /// Sample lines by name and labels.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
