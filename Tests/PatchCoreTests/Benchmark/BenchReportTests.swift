import Foundation
import Kernels
import XCTest
@testable import PatchCore

final class BenchReportTests: XCTestCase {
    /// Every frame took the same time per stage (milliseconds), so median, p90, p99 and mean agree.
    static func result(_ name: String, _ precision: Precision, threads: Int, backbone: UInt64, search: UInt64) -> BenchResult {
        let measured: [BenchStage: UInt64] = [.decode: 1, .resizeCrop: 2, .backbone: backbone, .features: 1, .search: search, .mapBlur: 1]
        let frame = TimedFrame(nanoseconds: measured.mapValues { $0 * 1_000_000 }, score: 0)
        var stages: [BenchStage: BenchStatistics] = [:]
        for stage in BenchStage.allCases { stages[stage] = BenchStatistics(nanoseconds: [frame.nanoseconds(of: stage)]) }
        return BenchResult(name: name, precision: precision, threads: threads, stages: stages, meanScore: 1.25)
    }

    /// fp32: expert 9 + 1 + 5 + 1 = 16 ms, frame 19 ms; int8: expert 4 + 1 + 2 + 1 = 8 ms, frame 11 ms.
    private let results = [result("fp32.eagle", .fp32, threads: 1, backbone: 9, search: 5),
                           result("int8.eagle", .int8, threads: 1, backbone: 4, search: 2)]

    private func report(peakRSS: Double?) -> BenchReport {
        BenchReport(results: results, peakResidentMiB: peakRSS, harness: BenchHarness(frames: 200, warmup: 20))
    }

    func testTheTextHasATablePerRunTheSpeedUpsAndThePeakMemory() {
        let lines = report(peakRSS: 65.94).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let isa = InstructionSet.current.rawValue, detected = InstructionSet.detected.rawValue
        // Name in 14 columns, then median, p90 and p99 right-aligned in 10 each.
        func row(_ stage: String, _ ms: String) -> String {
            "  " + stage.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(repeating: String(repeating: " ", count: 10 - ms.count) + ms, count: 3)
        }
        XCTAssertEqual(lines, [
            "int8 kernels    \(isa) (detected \(detected)); 200 timed frames after 20 warm-up, per configuration, models taking turns in 4 rounds",
            "",
            "fp32, 1 thread  (fp32.eagle)",
            "  stage          median ms    p90 ms    p99 ms",
            row("decode", "1.000"), row("resize+crop", "2.000"), row("backbone", "9.000"), row("features", "1.000"),
            row("search", "5.000"), row("map+blur", "1.000"), row("expert", "16.000"),
            row("frame", "19.000"),
            "  throughput     52.6 frames/s whole frame, 62.5 frames/s expert only (from means)",
            "",
            "int8, 1 thread  (int8.eagle)",
            "  stage          median ms    p90 ms    p99 ms",
            row("decode", "1.000"), row("resize+crop", "2.000"), row("backbone", "4.000"), row("features", "1.000"),
            row("search", "2.000"), row("map+blur", "1.000"), row("expert", "8.000"), row("frame", "11.000"),
            "  throughput     90.9 frames/s whole frame, 125.0 frames/s expert only (from means)",
            "",
            "speed-up of each model over the first, same threads (median / median)",
            "  int8 vs fp32, 1 thread: backbone 2.25x, search 2.50x, expert 2.00x, frame 1.73x",
            "",
            "peak RSS        65.9 MiB (the whole bench process)",
            "",
        ])
    }

    func testWithoutPeakMemoryOrASecondModelThoseSectionsAreLeftOut() {
        let text = BenchReport(results: [results[0]], peakResidentMiB: nil, harness: BenchHarness(frames: 8, warmup: 0)).text
        XCTAssertTrue(text.hasPrefix("int8 kernels "), text)
        XCTAssertTrue(text.contains("8 timed frames after 0 warm-up"), text)
        XCTAssertFalse(text.contains("speed-up"), text)
        XCTAssertFalse(text.contains("peak RSS"), text)
        XCTAssertTrue(text.hasSuffix("expert only (from means)\n"), text)
    }

    func testTheJSONHasEveryStageOfEveryRunAndTheSpeedUps() throws {
        let json = try report(peakRSS: nil).json()
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(top["isa"] as? String, InstructionSet.current.rawValue)
        XCTAssertEqual(top["frames"] as? Int, 200)
        XCTAssertEqual(top["warmup"] as? Int, 20)
        XCTAssertTrue(top["peak_rss_mib"] is NSNull)
        let runs = try XCTUnwrap(top["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["model"] as? String }, ["fp32.eagle", "int8.eagle"])
        XCTAssertEqual(runs.map { $0["precision"] as? String }, ["fp32", "int8"])
        XCTAssertEqual(runs.map { $0["threads"] as? Int }, [1, 1])
        XCTAssertEqual(runs.map { $0["mean_score"] as? Double }, [1.25, 1.25])
        XCTAssertEqual(try XCTUnwrap(runs[1]["frames_per_second"] as? Double), 1000.0 / 11, accuracy: 1e-9)
        let stages = try XCTUnwrap(runs[0]["stages"] as? [String: [String: Double]])
        XCTAssertEqual(Set(stages.keys), Set(BenchStage.allCases.map(\.rawValue)))
        XCTAssertEqual(stages["expert"], ["median_ms": 16, "p90_ms": 16, "p99_ms": 16, "mean_ms": 16])
        let speedups = try XCTUnwrap(top["speedups"] as? [[String: Any]])
        XCTAssertEqual(speedups.count, 1)
        XCTAssertEqual(speedups[0]["label"] as? String, "int8 vs fp32, 1 thread")
        XCTAssertEqual(speedups[0]["ratios"] as? [String: Double], ["backbone": 2.25, "search": 2.5, "expert": 2, "frame": 19.0 / 11])
    }

    func testThePeakMemoryIsANumberWhenKnown() throws {
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try report(peakRSS: 65.94).json().utf8)) as? [String: Any])
        XCTAssertEqual(top["peak_rss_mib"] as? Double, 65.94)
    }
}
