import Dispatch
import EagleLog
import Foundation
import Inspection
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// The publisher's figures against a real local Mosquitto, printed and never asserted; skipped
/// unless EAGLE_BENCH=1 (run in release:
/// `EAGLE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter MQTTPublishingBenchmarks`).
/// - verdict to PUBACK latency at 30 parts/s, through the journal writer and the outbox;
/// - CPU of the publisher's two threads (`publisher`, `mqtt`) per message;
/// - time to drain a backlog of 100,000 results from the journal;
/// - bytes per result message on the wire (MQTT 5 PUBLISH packet, JSON payload).
final class MQTTPublishingBenchmarks: XCTestCase {
    private let topics = StationTopics(prefix: "eagle-edge", line: "bottles-3", station: "7")

    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["EAGLE_BENCH"] == "1", "set EAGLE_BENCH=1 to run benchmarks")
        try MosquittoBroker.skipUnlessInstalled()
    }

    /// The spool bound above the largest backlog here: nothing is trimmed.
    private func makePublisher(journal path: String, port: Int) throws -> OutboxPublisher {
        let client = MQTTClientOptions(host: "127.0.0.1", port: port, clientID: "bench-\(UUID().uuidString.prefix(8))")
        let status = StatusMessage(state: .online, line: topics.root, station: "7", version: "bench", recipe: "bottle",
                                   modelID: "sha256:0a1b", startedAt: Date())
        return try OutboxPublisher(journalPath: path, client: client, topics: topics, status: status,
                                   options: OutboxPublisher.Options(spoolLimit: 200_000), logger: Logger(label: "bench", minimumLevel: .warning))
    }

    /// A part as the line makes most of them: passed, no boxes, every stage timed.
    private func livePart(_ id: Int64) -> Part {
        Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: UInt64(id) * 33_333_333),
             decidedAt: Date(), recipe: "bottle", modelID: "sha256:0a1b2c3d4e5f", score: 3.25, normalizedScore: 0.3125,
             verdict: .pass, reason: .belowThreshold, action: .pass,
             timings: StageTimings(waitMs: 0.4, decodeMs: 1.2, preprocessMs: 0.8, expertMs: 4.6, totalMs: 7.1))
    }

    /// With the journal's default batching (a commit every 100 ms at most), which a part waits
    /// through before it can be published, and with 1 ms batches, which leaves the MQTT side.
    func testVerdictToPubackAt30PartsPerSecondAndCPUPerMessage() throws {
        for batchInterval in [Duration.milliseconds(100), .milliseconds(1)] {
            try measure30PartsPerSecond(batchInterval: batchInterval, parts: 900)
        }
    }

    private func measure30PartsPerSecond(batchInterval: Duration, parts: Int64) throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let path = directory.appendingPathComponent("journal.sqlite").path
        let publisher = try makePublisher(journal: path, port: broker.port)
        let writer = try JournalWriter(path: path, options: JournalWriter.Options(batchInterval: batchInterval, outbox: [.part, .event]),
                                       onCommit: { _ in publisher.wake() })
        publisher.start()
        XCTAssertTrue(eventually(5) { publisher.counters.connected })
        let cpuBefore = ThreadCPU.seconds(named: ["publisher", "mqtt"])
        let start = DispatchTime.now().uptimeNanoseconds
        for id in 1...parts {
            // Paced on absolute times, as a camera at 30 fps would.
            let due = start + UInt64(id - 1) * 33_333_333
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(UInt32((due - now) / 1000)) }
            writer.submit(livePart(id))
        }
        XCTAssertTrue(writer.flush(timeout: .seconds(10)))
        XCTAssertTrue(eventually(10) { publisher.counters.acknowledged == Int(parts) })
        let cpu = ThreadCPU.seconds(named: ["publisher", "mqtt"]) - cpuBefore
        let delivery = publisher.counters.delivery
        publisher.stop()
        writer.close()
        let batches = "journal batches every \(batchInterval.components.attoseconds / 1_000_000_000_000_000) ms at most"
        print(String(format: "verdict to PUBACK at 30 parts/s (%lld parts, QoS 1, %@): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                     parts, batches, delivery.percentile(0.5) ?? .nan, delivery.percentile(0.99) ?? .nan, delivery.maximum ?? .nan))
        let seconds = Double(parts) / 30
        print(String(format: "publisher CPU at 30 parts/s (%@): %.2f %% of one core, %.0f us per message with its idle wake-ups"
                     + " (threads publisher + mqtt, %.2f s over %.0f s)",
                     batches, 100 * cpu / seconds, cpu / Double(parts) * 1e6, cpu, seconds))
    }

    func testDrainingA100000ResultBacklog() throws {
        let directory = try journalDirectory()
        let broker = try MosquittoBroker(directory: directory)
        try broker.start()
        let path = directory.appendingPathComponent("journal.sqlite").path
        let journal = try Journal(path: path)
        let total: Int64 = 100_000
        var id: Int64 = 1
        while id <= total {
            let last = min(total, id + 999)
            try journal.append((id...last).map { livePart($0) }, outbox: [.part])
            id = last + 1
        }
        let publisher = try makePublisher(journal: path, port: broker.port)
        let cpuBefore = ThreadCPU.seconds(named: ["publisher", "mqtt"])
        let start = DispatchTime.now().uptimeNanoseconds
        publisher.start()
        XCTAssertTrue(eventually(600) { publisher.counters.acknowledged >= Int(total) })
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpu = ThreadCPU.seconds(named: ["publisher", "mqtt"]) - cpuBefore
        XCTAssertEqual(try journal.pendingCount(), 0)
        publisher.stop()
        print(String(format: "drain of a %lld-result backlog (QoS 1, 20 in flight): %.1f s, %.0f results/s, publisher CPU %.1f us per message",
                     total, seconds, Double(total) / seconds, cpu / Double(total) * 1e6))
    }

    func testBytesPerResultOnTheWire() throws {
        let encoder = PayloadEncoder(formatTime: UTCTimestamp.string)
        var reject = livePart(1041)
        reject.verdict = .reject
        reject.reason = .aboveThreshold
        reject.action = .reject
        reject.normalizedScore = 0.8125
        reject.boxes = (0..<3).map { SuspectBox(x: 120 + 40 * $0, y: 200, width: 36, height: 48, score: 0.9 - 0.1 * Double($0)) }
        reject.images = ArchivedImages(frame: "2026/12/05/1041.jpg", overlay: "2026/12/05/1041-overlay.jpg")
        var missed = livePart(1042)
        missed.frame = nil
        missed.score = nil
        missed.normalizedScore = nil
        missed.verdict = nil
        missed.reason = .overBudget
        missed.action = .reject
        for (name, part) in [("pass", livePart(1040)), ("reject, 3 boxes, images", reject), ("not inspected", missed)] {
            let payload = try encoder.encode(ResultMessage(part: part, line: "bottles-3", station: "7", historical: false, sentAt: Date()))
            // MQTT 5 PUBLISH at QoS 1: fixed header (1 byte + remaining length), topic (2 + n), packet
            // id (2), properties length (1, none sent), payload.
            let remaining = 2 + topics.result.utf8.count + 2 + 1 + payload.count
            let lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3
            print("result message, \(name): \(payload.count) bytes of JSON, \(1 + lengthBytes + remaining) bytes as an MQTT 5 PUBLISH on \(topics.result)")
        }
    }
}

/// CPU seconds (user + system) of this process's threads with the given names, from
/// /proc/self/task/*/stat (in clock ticks, 10 ms: measure over many seconds).
enum ThreadCPU {
    static func seconds(named names: Set<String>) -> Double {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var total = 0.0
        for task in tasks {
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                  names.contains(comm.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the command come the state (field 3) ... utime and stime (fields 14 and 15).
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticks
        }
        return total
    }
}
