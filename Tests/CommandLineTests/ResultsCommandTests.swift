import Appliance
import Foundation
import Inspection
import XCTest

final class ResultsCommandTests: XCTestCase {
    /// 30 parts: 1-10 three hours ago, 11-25 half an hour ago, 26-30 a minute ago. By id modulo
    /// 5: 1 reject, 2 unsure (rejected), 3 not inspected (rejected), 0 and 4 pass.
    private func journal() throws -> String {
        let path = try scratch().appendingPathComponent("journal.sqlite").path
        let now = Date()
        let parts = (Int64(1)...30).map { id -> Part in
            let age: Double = id <= 10 ? 3 * 3600 : id <= 25 ? 1800 : 60
            let at = now.addingTimeInterval(-age + Double(id))
            let recipe = id == 5 ? "cap, \"blue\"" : "bottle"
            let timings = StageTimings(expertMs: 4, totalMs: 7.25)
            switch id % 5 {
            case 1:
                return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 1), decidedAt: at,
                            recipe: recipe, modelID: "m1", score: 9, normalizedScore: 0.9, verdict: .reject, reason: .aboveThreshold,
                            action: .reject, boxes: [SuspectBox(x: 1, y: 2, width: 3, height: 4, score: 0.9),
                                                     SuspectBox(x: 5, y: 6, width: 7, height: 8, score: 0.7)], timings: timings)
            case 2:
                return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 1), decidedAt: at,
                            recipe: recipe, modelID: "m1", score: 5, normalizedScore: 0.5, verdict: .unsure, reason: .unsureBand,
                            action: .reject, boxes: [SuspectBox(x: 1, y: 2, width: 3, height: 4, score: 0.5)], timings: timings)
            case 3:
                return Part(id: PartID(rawValue: id), frame: nil, decidedAt: at, recipe: recipe, modelID: nil, score: nil,
                            normalizedScore: nil, verdict: nil, reason: .noFrame, action: .reject)
            default:
                return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 1), decidedAt: at,
                            recipe: recipe, modelID: "m1", score: 1, normalizedScore: 0.125, verdict: .pass, reason: .belowThreshold,
                            action: .pass, timings: timings)
            }
        }
        try Journal(path: path).append(parts)
        return path
    }

    private func results(_ arguments: [String]) throws -> EagleEdgeProcess.Outcome {
        try EagleEdgeProcess.run(["results"] + arguments)
    }

    /// The part ids of a text listing (the lines between the header and the summary).
    private func ids(_ text: String) -> [Int] {
        text.split(separator: "\n").dropFirst().dropLast().compactMap { Int($0.split(separator: " ").first ?? "") }
    }

    func testTextShowsTheLatestTwentyOldestFirstWithASummary() throws {
        let path = try journal()
        let outcome = try results(["--journal", path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.isEmpty, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 22, outcome.stdout)
        XCTAssertEqual(ids(outcome.stdout), Array(11...30))
        XCTAssertTrue(lines[0].contains("id") && lines[0].contains("decided (UTC)") && lines[0].contains("total ms"), lines[0])
        XCTAssertEqual(lines.last, "20 parts: 8 pass, 12 reject (4 unsure, 4 not inspected)")
        let reject = try XCTUnwrap(lines.first { $0.hasPrefix("      11 ") })
        for field in ["reject", "above_threshold", "0.900", " 2 ", "7.2"] {
            XCTAssertTrue(reject.contains(field), "\(field) missing from: \(reject)")
        }
        let notInspected = try XCTUnwrap(lines.first { $0.hasPrefix("      13 ") })
        XCTAssertTrue(notInspected.contains(" -  ") && notInspected.contains("no_frame"), notInspected)
        // Aligned: every part line has its reason at the same column.
        let columns = Set(lines.dropFirst().dropLast().compactMap { line in
            ["below_threshold", "above_threshold", "unsure_band", "no_frame"].compactMap { line.range(of: $0)?.lowerBound }.first
                .map { line.distance(from: line.startIndex, to: $0) }
        })
        XCTAssertEqual(columns.count, 1, outcome.stdout)
    }

    func testJSONIsOnePartRecordPerLine() throws {
        let outcome = try results(["--journal", try journal(), "--json", "--limit", "3"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let objects = try outcome.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.compactMap { $0["part_id"] as? Int }, [28, 29, 30])
        XCTAssertEqual(objects[0]["reason"] as? String, "no_frame")
        XCTAssertNil(objects[0]["verdict"])
        XCTAssertEqual((objects[1]["boxes"] as? [Any])?.count, 0)
        XCTAssertEqual((objects[1]["timings"] as? [String: Any])?["total_ms"] as? Double, 7.25)
        let time = try XCTUnwrap(objects[2]["decided_at"] as? String)
        XCTAssertEqual(time.count, 24, time)
        XCTAssertNotNil(UTCTimestamp.parse(time), time)
        // Decodable as the record itself.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try XCTUnwrap(UTCTimestamp.parse(text))
        }
        let part = try decoder.decode(Part.self, from: Data(try XCTUnwrap(outcome.stdout.split(separator: "\n").last).utf8))
        XCTAssertEqual(part.id.rawValue, 30)
        XCTAssertEqual(part.action, .pass)
    }

    func testCSVHasAHeaderAndQuotesWhatNeedsIt() throws {
        let outcome = try results(["--journal", try journal(), "--csv", "--since", "1d"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 31)
        XCTAssertTrue(lines[0].hasPrefix("part_id,decided_at,recipe,model_id,verdict,action,reason,score,normalized_score,boxes,"), lines[0])
        let columns = lines[0].split(separator: ",").count
        XCTAssertTrue(lines[5].hasPrefix("5,"), lines[5])
        XCTAssertTrue(lines[5].contains(",\"cap, \"\"blue\"\"\",m1,pass,pass,below_threshold,1.0,0.125,0,"), lines[5])
        XCTAssertEqual(lines[3].split(separator: ",", omittingEmptySubsequences: false).count, columns, lines[3])
        XCTAssertTrue(lines[3].hasPrefix("3,") && lines[3].contains(",bottle,,,reject,no_frame,,,0,"), lines[3])
    }

    func testSinceVerdictAndLimitFilter() throws {
        let path = try journal()
        func listed(_ arguments: [String]) throws -> [Int] {
            let outcome = try results(["--journal", path] + arguments)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            return ids(outcome.stdout)
        }
        XCTAssertEqual(try listed(["--since", "2m"]), Array(26...30))
        XCTAssertEqual(try listed(["--since", "1h"]), Array(11...30))
        XCTAssertEqual(try listed(["--since", "1d"]), Array(1...30), "all since, not only 20")
        XCTAssertEqual(try listed(["--since", UTCTimestamp.string(Date().addingTimeInterval(-7200))]), Array(11...30))
        XCTAssertEqual(try listed(["--since", "1d", "--verdict", "reject"]), [1, 6, 11, 16, 21, 26])
        XCTAssertEqual(try listed(["--verdict", "unsure", "--limit", "2"]), [22, 27])
        XCTAssertEqual(try listed(["--verdict", "not_inspected", "--limit", "2"]), [23, 28])
        XCTAssertEqual(try listed(["--verdict", "pass", "--since", "2m"]), [29, 30])
        XCTAssertEqual(try listed(["--limit", "5"]), Array(26...30))
        XCTAssertEqual(try listed(["--since", "1d", "--limit", "2"]), [29, 30])
        let none = try results(["--journal", path, "--since", "2026-01-01T00:00:00Z", "--verdict", "unsure", "--limit", "1"])
        XCTAssertTrue(none.stdout.hasSuffix("1 part: 0 pass, 1 reject (1 unsure)\n"), none.stdout)
    }

    func testTheJournalComesFromTheConfiguration() throws {
        let path = try journal()
        let config = try scratch().appendingPathComponent("eagle-edge.yaml")
        try "storage:\n  journal: \(path)\n".write(to: config, atomically: true, encoding: .utf8)
        let outcome = try results(["--config", config.path, "--limit", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(ids(outcome.stdout), [30])
    }

    func testMistakesAreOneSentence() throws {
        let path = try journal()
        let missing = try scratch().appendingPathComponent("none.sqlite").path
        let cases: [([String], String)] = [
            (["--journal", missing], "eagle-edge: no journal at \(missing); the line creates it when it first runs"),
            (["--journal", path, "--since", "yesterday"], "eagle-edge: --since 'yesterday' is neither a UTC time like 2026-12-05T10:00:00Z nor a duration like 10m, 2h or 1d."),
            (["--journal", path, "--since", "2026-12-05T10:00:00"], "is neither a UTC time"),
            (["--journal", path, "--verdict", "good"], "eagle-edge: --verdict 'good' is not one of pass, reject, unsure, not_inspected."),
            (["--journal", path, "--limit", "0"], "eagle-edge: --limit must be at least 1, not 0."),
            (["--journal", path, "--json", "--csv"], "eagle-edge: --json and --csv cannot be used together; choose one."),
            (["--journal", "/proc/version"], "is not an EagleEdge journal"),
        ]
        for (arguments, expected) in cases {
            let outcome = try results(arguments)
            XCTAssertEqual(outcome.status, 1, "\(arguments)")
            XCTAssertTrue(outcome.stdout.isEmpty, "\(arguments): \(outcome.stdout)")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(expected), "\(arguments): \(outcome.stderr)")
        }
    }
}
