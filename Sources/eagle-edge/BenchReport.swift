import Foundation
import Kernels

/// `bench` output: a table per configuration, ratios against the first model, and JSON.
enum BenchReport {
    static func print(_ results: [BenchResult], peakRSS: Double?, frames: Int, warmup: Int) {
        Swift.print("int8 kernels    \(InstructionSet.current.rawValue) (detected \(InstructionSet.detected.rawValue)); "
                    + "\(frames) timed frames after \(warmup) warm-up, per configuration, models taking turns in \(BenchCommand.rounds) rounds")
        for r in results {
            Swift.print("")
            Swift.print("\(r.precision.rawValue), \(r.threads) thread\(r.threads == 1 ? "" : "s")  (\(r.modelPath))")
            Swift.print("  stage          median ms    p90 ms    p99 ms")
            for (name, s) in zip(BenchCommand.stages, r.stages) {
                Swift.print("  " + name.padding(toLength: 14, withPad: " ", startingAt: 0)
                            + pad(s.median.rounded(3), 10) + pad(s.p90.rounded(3), 10) + pad(s.p99.rounded(3), 10))
            }
            let frame = r.stage("frame").mean, expert = r.stage("expert").mean
            Swift.print("  throughput     \((1000 / max(frame, 1e-9)).rounded(1)) frames/s whole frame, "
                        + "\((1000 / max(expert, 1e-9)).rounded(1)) frames/s expert only (from means)")
        }
        let ratios = ratioRows(results)
        if !ratios.isEmpty {
            Swift.print("")
            Swift.print("speed-up of each model over the first, same threads (median / median)")
            for row in ratios {
                Swift.print("  \(row.label): " + row.values.map { "\($0.stage) \($0.ratio.rounded(2))x" }.joined(separator: ", "))
            }
        }
        if let peakRSS { Swift.print("\npeak RSS        \(peakRSS.rounded(1)) MiB (the whole bench process)") }
    }

    static func json(_ results: [BenchResult], peakRSS: Double?, frames: Int, warmup: Int) throws -> String {
        let object: [String: Any] = [
            "isa": InstructionSet.current.rawValue,
            "frames": frames, "warmup": warmup,
            "peak_rss_mib": peakRSS.map { $0 as Any } ?? NSNull(),
            "runs": results.map { r in
                [
                    "model": r.modelPath, "precision": r.precision.rawValue, "threads": r.threads,
                    "mean_score": r.meanScore,
                    "stages": Dictionary(uniqueKeysWithValues: zip(BenchCommand.stages, r.stages).map { name, s in
                        (name, ["median_ms": s.median, "p90_ms": s.p90, "p99_ms": s.p99, "mean_ms": s.mean])
                    }),
                    "frames_per_second": 1000 / max(r.stage("frame").mean, 1e-9),
                ] as [String: Any]
            },
            "speedups": ratioRows(results).map { row in
                ["label": row.label, "ratios": Dictionary(uniqueKeysWithValues: row.values.map { ($0.stage, $0.ratio) })] as [String: Any]
            },
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    /// For each thread count, every model after the first against the first.
    static func ratioRows(_ results: [BenchResult]) -> [(label: String, values: [(stage: String, ratio: Double)])] {
        var rows: [(String, [(String, Double)])] = []
        for threads in Set(results.map(\.threads)).sorted() {
            let same = results.filter { $0.threads == threads }
            guard let base = same.first else { continue }
            for other in same.dropFirst() {
                let values = ["backbone", "search", "expert", "frame"].map { name in
                    (name, base.stage(name).median / max(other.stage(name).median, 1e-9))
                }
                rows.append(("\(other.precision.rawValue) vs \(base.precision.rawValue), \(threads) thread\(threads == 1 ? "" : "s")", values))
            }
        }
        return rows
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
