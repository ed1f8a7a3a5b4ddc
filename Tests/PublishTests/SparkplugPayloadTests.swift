import Foundation
import Inspection
import Publish
import XCTest

/// Sparkplug B payloads through protobuf-c: the wire bytes of the specification's field
/// numbers, round trips of every scalar type, and the node's birth, data and death payloads.
final class SparkplugPayloadTests: XCTestCase {
    func testBytesFollowTheSpecificationsFieldNumbers() throws {
        let payload = SparkplugPayload(timestamp: 1, metrics: [SparkplugMetric(name: "a", dataType: .boolean, value: .boolean(true))],
                                       seq: 0)
        // timestamp = 1 (field 1), metrics (field 2: name = 1, datatype = 4 with Boolean 11,
        // boolean_value = 14), seq = 3.
        XCTAssertEqual(payload.encoded(), [0x08, 0x01, 0x12, 0x07, 0x0A, 0x01, 0x61, 0x20, 0x0B, 0x70, 0x01, 0x18, 0x00])
        XCTAssertEqual(try SparkplugPayload(decoding: payload.encoded()), payload)
    }

    func testEveryScalarTypeRoundTripsWithItsDatatype() throws {
        let values: [SparkplugValue] = [
            .int8(-5), .int16(-300), .int32(-70_000), .int64(-5_000_000_000), .uint8(250), .uint16(65_000),
            .uint32(4_000_000_000), .uint64(UInt64.max), .float(1.5), .double(-2.25), .boolean(false), .string("pass"),
            .dateTime(1_733_390_000_123), .text("long text"), .bytes([0, 1, 255]),
        ]
        let metrics = values.enumerated().map { index, value in
            SparkplugMetric(name: "m\(index)", alias: UInt64(index), timestamp: 7, dataType: value.dataType, value: value,
                            isHistorical: index % 2 == 0, isTransient: index == 3)
        }
        let payload = SparkplugPayload(timestamp: 99, metrics: metrics + [SparkplugMetric(name: "null", dataType: .double, value: nil)],
                                       seq: 255, uuid: "u", body: [9, 8])
        let decoded = try SparkplugPayload(decoding: payload.encoded())
        XCTAssertEqual(decoded, payload)
        XCTAssertTrue(try XCTUnwrap(decoded.metric(named: "null")).isNull)
    }

    func testSmallSignedIntegersTravelAsTwosComplementOfTheirWidth() throws {
        // Without the datatype (a data message) the wire value shows: 8 bits, not 32.
        let payload = SparkplugPayload(timestamp: 1, metrics: [SparkplugMetric(alias: 1, dataType: .int8, value: .int8(-1))])
        var decoded = try SparkplugPayload(decoding: payload.encoded())
        XCTAssertEqual(decoded.metrics.first?.value, .int8(-1))
        decoded.metrics[0].dataType = nil
        XCTAssertEqual(try SparkplugPayload(decoding: decoded.encoded()).metrics.first?.value, .uint32(0xFF))
    }

    func testBytesThatAreNotAPayloadAreRefused() {
        XCTAssertThrowsError(try SparkplugPayload(decoding: [0xFF, 0xFF, 0xFF])) { error in
            XCTAssertEqual(error as? SparkplugError, .notAPayload(bytes: 3))
        }
    }

    func testSeqStartsAtZeroWithTheBirthAndWrapsAfter255() {
        var sequence = SparkplugSequence()
        XCTAssertEqual(sequence.birth(), 0)
        let taken = (0..<300).map { _ in sequence.take() }
        XCTAssertEqual(Array(taken.prefix(3)), [1, 2, 3])
        XCTAssertEqual(taken[253], 254)
        XCTAssertEqual(taken[254], 255)
        XCTAssertEqual(taken[255], 0)
        XCTAssertEqual(taken[256], 1)
        // A rebirth starts over.
        XCTAssertEqual(sequence.birth(), 0)
        XCTAssertEqual(sequence.take(), 1)
    }

    func testBirthDeathSequenceStartsAtZeroAndWrapsAfter255() {
        XCTAssertEqual(SparkplugBirthDeathSequence.after(nil), 0)
        XCTAssertEqual(SparkplugBirthDeathSequence.after(0), 1)
        XCTAssertEqual(SparkplugBirthDeathSequence.after(254), 255)
        XCTAssertEqual(SparkplugBirthDeathSequence.after(255), 0)
    }

    private let metrics = SparkplugNodeMetrics(identity: .init(version: "1.2.3", line: "l", station: "s", recipe: "bottle",
                                                               modelID: "sha256:ab"))

    private let part = Part(id: PartID(rawValue: 41), frame: FrameStamp(sequence: 9, monotonicNanoseconds: 123),
                            decidedAt: Date(timeIntervalSince1970: 100.25), recipe: "bottle", modelID: "sha256:ab", score: 2.5,
                            normalizedScore: 0.7, verdict: .reject, reason: .aboveThreshold, action: .reject,
                            boxes: [SuspectBox(x: 1, y: 2, width: 3, height: 4, score: 0.9)],
                            timings: StageTimings(expertMs: 4, totalMs: 9))

    func testBirthAnnouncesEveryMetricWithNameAliasAndDatatype() throws {
        let birth = try SparkplugPayload(decoding: metrics.birth(bdSeq: 7, lastPart: nil, snapshot: SparkplugLineSnapshot(parts: 3),
                                                                 at: 1000).encoded())
        XCTAssertEqual(birth.seq, 0)
        XCTAssertEqual(birth.metric(named: "bdSeq")?.value, .int64(7))
        XCTAssertEqual(birth.metric(named: "bdSeq")?.dataType, .int64)
        let rebirth = try XCTUnwrap(birth.metric(named: "Node Control/Rebirth"))
        XCTAssertEqual(rebirth.dataType, .boolean)
        XCTAssertEqual(rebirth.value, .boolean(false))
        for definition in SparkplugNodeMetrics.catalogue {
            let metric = try XCTUnwrap(birth.metric(named: definition.name), definition.name)
            XCTAssertEqual(metric.alias, definition.alias, definition.name)
            XCTAssertEqual(metric.dataType, definition.dataType, definition.name)
        }
        XCTAssertEqual(Set(SparkplugNodeMetrics.catalogue.map(\.alias)).count, SparkplugNodeMetrics.catalogue.count, "aliases unique")
        XCTAssertEqual(birth.metric(named: "Counters/Parts")?.value, .uint64(3))
        XCTAssertEqual(birth.metric(named: "Properties/Model ID")?.value, .string("sha256:ab"))
        // No part yet: the part metrics are announced, null.
        XCTAssertTrue(try XCTUnwrap(birth.metric(named: "Part/ID")).isNull)
    }

    func testPartDataCarriesAliasesValuesAndTheDecisionTimeOnly() throws {
        let data = try SparkplugPayload(decoding: metrics.data(part: part, historical: true, seq: 12, at: 5000).encoded())
        XCTAssertEqual(data.seq, 12)
        XCTAssertEqual(data.timestamp, 5000)
        XCTAssertTrue(data.metrics.allSatisfy { $0.name == nil && $0.dataType == nil && $0.isHistorical && $0.timestamp == 100_250 })
        let byAlias = Dictionary(uniqueKeysWithValues: data.metrics.map { ($0.alias ?? 0, $0.value) })
        func value(_ name: String) -> SparkplugValue?? {
            SparkplugNodeMetrics.catalogue.first { $0.name == name }.flatMap { byAlias[$0.alias] }
        }
        // Decoded without datatypes, integers show as their wire fields (uint32 / uint64).
        XCTAssertEqual(value("Part/ID"), .some(.uint64(41)))
        XCTAssertEqual(value("Part/Verdict"), .some(.string("reject")))
        XCTAssertEqual(value("Part/Score"), .some(.double(2.5)))
        XCTAssertEqual(value("Part/Decided At"), .some(.uint64(100_250)))
        XCTAssertEqual(value("Part/Box Count"), .some(.uint32(1)))
        XCTAssertEqual(value("Part/Boxes"), .some(.string(#"[{"height":4,"score":0.9,"width":3,"x":1,"y":2}]"#)))
        XCTAssertEqual(value("Part/Frame Sequence"), .some(.uint64(9)))
    }

    func testANotInspectedPartSendsNullsForWhatItLacks() throws {
        let notInspected = Part(id: PartID(rawValue: 2), frame: nil, decidedAt: Date(timeIntervalSince1970: 1), recipe: "bottle",
                                modelID: nil, score: nil, normalizedScore: nil, verdict: nil, reason: .noFrame, action: .reject)
        let data = try SparkplugPayload(decoding: metrics.data(part: notInspected, historical: false, seq: 1, at: 1).encoded())
        let nulls = Set(data.metrics.filter(\.isNull).compactMap(\.alias))
        let expected = ["Part/Verdict", "Part/Score", "Part/Normalized Score", "Part/Model ID", "Part/Frame Sequence",
                        "Part/Total ms", "Part/Expert ms"]
        XCTAssertEqual(nulls, Set(SparkplugNodeMetrics.catalogue.filter { expected.contains($0.name) }.map(\.alias)))
    }

    func testCountersAreSentWhenTheyChangeOnly() throws {
        var seq: UInt64 = 4
        let first = SparkplugLineSnapshot(parts: 10, passed: 9, rejected: 1)
        let all = try XCTUnwrap(metrics.data(snapshot: first, previous: nil, seq: { seq += 1; return seq }, at: 1))
        XCTAssertEqual(all.metrics.count, 11)
        XCTAssertNil(metrics.data(snapshot: first, previous: first, seq: { seq += 1; return seq }, at: 2))
        var next = first
        next.parts = 11
        next.passed = 10
        let changed = try XCTUnwrap(metrics.data(snapshot: next, previous: first, seq: { seq += 1; return seq }, at: 3))
        XCTAssertEqual(changed.metrics.map(\.value), [.uint64(11), .uint64(10)])
        XCTAssertEqual(changed.seq, 6, "one seq per message sent")
    }

    func testDeathCarriesBdSeqOnlyAndNoSeq() throws {
        let death = try SparkplugPayload(decoding: SparkplugNodeMetrics.death(bdSeq: 255, at: 1).encoded())
        XCTAssertNil(death.seq)
        XCTAssertEqual(death.metrics, [SparkplugMetric(name: "bdSeq", dataType: .int64, value: .int64(255))])
    }

    func testHostStateIsTheSpecificationsJSON() throws {
        XCTAssertEqual(try SparkplugHostState(decoding: Array(#"{"online": true, "timestamp": 1733390000000}"#.utf8)),
                       SparkplugHostState(online: true, timestamp: 1_733_390_000_000))
        XCTAssertThrowsError(try SparkplugHostState(decoding: Array("ONLINE".utf8)))
    }

    func testTopicsFollowTheNamespace() {
        let topics = SparkplugTopics(groupID: "plant", edgeNodeID: "line-7")
        XCTAssertEqual(topics.nodeBirth, "spBv1.0/plant/NBIRTH/line-7")
        XCTAssertEqual(topics.nodeData, "spBv1.0/plant/NDATA/line-7")
        XCTAssertEqual(topics.nodeDeath, "spBv1.0/plant/NDEATH/line-7")
        XCTAssertEqual(topics.nodeCommand, "spBv1.0/plant/NCMD/line-7")
        XCTAssertEqual(SparkplugTopics.hostState("scada"), "spBv1.0/STATE/scada")
    }
}
