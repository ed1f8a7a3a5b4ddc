import Explain
import Foundation
import Inspection
import Publish
import TestFixtures
import XCTest

@testable import Appliance

/// Explanations in the journal: stored whole, joined to their part, queued for MQTT in the same
/// transaction, published in a shape the documented schema accepts, and aged out with the parts.
final class ExplanationJournalTests: XCTestCase {
    static let records: [ExplanationRecord] = [
        ExplanationRecord(partID: PartID(rawValue: 1), status: .explained,
                          explanation: Explanation(anomalous: true, agreesWithExpert: true, defectType: "scratch", box: 1,
                                                   location: "upper left \"rim\"", severity: .major,
                                                   description: "A thin scratch across the top.", confidence: 0.86),
                          model: "qwen2.5-vl", latencyMs: 2163.5, queuedMs: 0.25, attempts: 1,
                          usage: TokenUsage(prompt: 1234, completion: 56), finishedAt: SampleParts.time(40)),
        ExplanationRecord(partID: PartID(rawValue: 2), status: .explained,
                          explanation: Explanation(description: "The cap has a dent.", salvage: ["prose answer: only the description kept"]),
                          model: "llava", latencyMs: 900, queuedMs: 3, attempts: 2, finishedAt: SampleParts.time(41)),
        ExplanationRecord(partID: PartID(rawValue: 3), status: .failed, reason: "HTTP 503: busy (after 3 attempts)",
                          model: "qwen2.5-vl", latencyMs: 3100, queuedMs: 1, attempts: 3, finishedAt: SampleParts.time(42)),
        ExplanationRecord(partID: PartID(rawValue: 4), status: .notExplained, reason: "queue full (16): dropped for a newer part",
                          model: "qwen2.5-vl", queuedMs: 12, finishedAt: SampleParts.time(43)),
    ]

    func testRecordsRoundTripAndJoinTheirPart() throws {
        let journal = try Journal(path: try journalDirectory().appendingPathComponent("j.sqlite").path)
        try journal.append(SampleParts.parts(1...4))
        for record in Self.records { try journal.append(record, publish: false) }
        XCTAssertEqual(try journal.explanations(limit: 10), Self.records)
        XCTAssertEqual(try journal.explanations(of: PartID(rawValue: 3)), [Self.records[2]])
        XCTAssertEqual(try journal.pending(limit: 10), [], "not queued without MQTT")
    }

    func testPublishedInOrderWithAPayloadTheSchemaAccepts() throws {
        let journal = try Journal(path: try journalDirectory().appendingPathComponent("j.sqlite").path)
        try journal.append(SampleParts.parts(1...4), outbox: [.part])
        for record in Self.records { try journal.append(record, publish: true) }
        let pending = try journal.pending(limit: 100)
        XCTAssertEqual(pending.map(\.topic), [.part, .part, .part, .part, .explanation, .explanation, .explanation, .explanation])
        let encoder = PayloadEncoder(formatTime: UTCTimestamp.string)
        var payloads: [String] = []
        for message in pending {
            guard case .explanation(let record) = message.payload else { continue }
            payloads.append(String(decoding: try encoder.encode(ExplanationMessage(record, line: "bottles-3", station: "7")), as: UTF8.self))
        }
        XCTAssertEqual(payloads.count, 4)
        XCTAssertEqual(try schemaProblems(payloads, schema: "explanation"), [])
        XCTAssertTrue(payloads[0].contains(#""defect_type":"scratch""#), payloads[0])
        XCTAssertTrue(payloads[3].contains(#""description":null"#), payloads[3])
        XCTAssertEqual(try journal.markDelivered(pending.map(\.sequence)), 8)
    }

    func testRetentionTakesOldExplanationsWithTheirMessages() throws {
        let journal = try Journal(path: try journalDirectory().appendingPathComponent("j.sqlite").path)
        try journal.append(SampleParts.parts(1...4))
        for record in Self.records { try journal.append(record, publish: true) }
        let report = try journal.deleteRecords(before: SampleParts.time(42))
        XCTAssertEqual(report.explanations, 2)
        XCTAssertEqual(report.undelivered, 2)
        XCTAssertEqual(try journal.explanations(limit: 10).map(\.partID.rawValue), [3, 4])
        XCTAssertEqual(try journal.pending(limit: 10).count, 2)
    }
}
