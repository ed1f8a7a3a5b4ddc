import Foundation
import Inspection
import Publish
import XCTest

/// The payloads' JSON shape; ApplianceTests validates them against docs/mqtt/*.schema.json.
final class PayloadTests: XCTestCase {
    private let encoder = PayloadEncoder(formatTime: { date in "t\(Int(date.timeIntervalSince1970))" })

    private func object(_ message: some Encodable) throws -> [String: Any] {
        let bytes = try encoder.encode(message)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func testResultCarriesThePartRecordAndItsEnvelope() throws {
        let part = Part(id: PartID(rawValue: 41), frame: FrameStamp(sequence: 9, monotonicNanoseconds: 123),
                        decidedAt: Date(timeIntervalSince1970: 100), recipe: "demo", modelID: "abc", score: 2.5,
                        normalizedScore: 0.7, verdict: .reject, reason: .aboveThreshold, action: .reject,
                        boxes: [SuspectBox(x: 1, y: 2, width: 3, height: 4, score: 0.9)],
                        timings: StageTimings(expertMs: 4, totalMs: 9))
        let json = try object(ResultMessage(part: part, line: "l", station: "s", historical: true,
                                            sentAt: Date(timeIntervalSince1970: 200)))
        XCTAssertEqual(json["schema_version"] as? Int, 1)
        XCTAssertEqual(json["part_id"] as? Int, 41)
        XCTAssertEqual(json["historical"] as? Bool, true)
        XCTAssertEqual(json["decided_at"] as? String, "t100")
        XCTAssertEqual(json["sent_at"] as? String, "t200")
        XCTAssertEqual(json["line"] as? String, "l")
        XCTAssertEqual(json["station"] as? String, "s")
        XCTAssertEqual(json["verdict"] as? String, "reject")
        XCTAssertEqual((json["boxes"] as? [[String: Any]])?.first?["width"] as? Int, 3)
        XCTAssertEqual((json["timings"] as? [String: Any])?["total_ms"] as? Double, 9)
    }

    func testANotInspectedPartLeavesOutWhatItLacks() throws {
        let part = Part(id: PartID(rawValue: 2), frame: nil, decidedAt: Date(timeIntervalSince1970: 1), recipe: "demo",
                        modelID: nil, score: nil, normalizedScore: nil, verdict: nil, reason: .noFrame, action: .reject)
        let json = try object(ResultMessage(part: part, line: "l", station: "s", historical: false, sentAt: Date()))
        for key in ["score", "normalized_score", "verdict", "model_id", "frame"] {
            XCTAssertNil(json[key], key)
        }
        XCTAssertEqual(json["reason"] as? String, "no_frame")
        XCTAssertEqual(json["historical"] as? Bool, false)
    }

    /// The timing error is always there: a number for a fired pulse, null when nothing fired.
    func testRejectOutcomeSaysNullWhenNothingFired() throws {
        let fired = try object(RejectOutcomeMessage(partID: 41, outcome: "fail_safe_rejected", timingErrorMs: -0.5,
                                                    at: Date(timeIntervalSince1970: 300), line: "l", station: "s"))
        XCTAssertEqual(fired["schema_version"] as? Int, 1)
        XCTAssertEqual(fired["part_id"] as? Int, 41)
        XCTAssertEqual(fired["outcome"] as? String, "fail_safe_rejected")
        XCTAssertEqual(fired["timing_error_ms"] as? Double, -0.5)
        XCTAssertEqual(fired["at"] as? String, "t300")
        XCTAssertEqual(fired["line"] as? String, "l")
        XCTAssertEqual(fired["station"] as? String, "s")
        XCTAssertEqual(Set(fired.keys), ["schema_version", "part_id", "outcome", "timing_error_ms", "at", "line", "station"])

        let passed = try object(RejectOutcomeMessage(partID: 42, outcome: "passed", timingErrorMs: nil,
                                                     at: Date(timeIntervalSince1970: 301), line: "l", station: "s"))
        XCTAssertTrue(passed.keys.contains("timing_error_ms"), "\(passed)")
        XCTAssertTrue(passed["timing_error_ms"] is NSNull, "\(passed)")
    }

    func testStatusOnlineAndItsOfflineForms() throws {
        let online = StatusMessage(state: .online, line: "l", station: "s", version: "0.1.0", recipe: "demo",
                                   modelID: "abc", startedAt: Date(timeIntervalSince1970: 5))
        let json = try object(online)
        XCTAssertEqual(json["state"] as? String, "online")
        XCTAssertNil(json["reason"])
        XCTAssertEqual(json["started_at"] as? String, "t5")
        let will = try object(online.offline(.connectionLost))
        XCTAssertEqual(will["state"] as? String, "offline")
        XCTAssertEqual(will["reason"] as? String, "connection_lost")
        XCTAssertEqual(try object(online.offline(.stopped))["reason"] as? String, "stopped")
    }

    func testSameMessageSameBytes() throws {
        let event = EventMessage(eventID: 3, at: Date(timeIntervalSince1970: 1), kind: "drop", component: "mqtt",
                                 message: "m", fields: ["b": "2", "a": "1"], line: "l", station: "s")
        XCTAssertEqual(try encoder.encode(event), try encoder.encode(event))
        XCTAssertEqual(String(decoding: try encoder.encode(event), as: UTF8.self),
                       #"{"at":"t1","component":"mqtt","event_id":3,"fields":{"a":"1","b":"2"},"kind":"drop","line":"l","message":"m","schema_version":1,"station":"s"}"#)
    }

    func testOptionsNeverShowThePassword() {
        let options = MQTTClientOptions(host: "broker", port: 1883, clientID: "c", username: "u", password: "hunter2")
        XCTAssertFalse("\(options)".contains("hunter2"))
        XCTAssertFalse(String(reflecting: options).contains("hunter2"))
        var dumped = ""
        dump(options, to: &dumped)
        XCTAssertFalse(dumped.contains("hunter2"))
    }
}
