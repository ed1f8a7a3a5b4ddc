import Kernels

/// What `eagle-edge bench` prints: a table per subject and thread count, the speed-ups against
/// the first subject and the process's peak memory, as text or as one JSON object.
public struct BenchReport: Sendable {
    /// In the order measured: thread counts outer, subjects inner.
    public let results: [BenchResult]
    /// The whole process's peak resident memory, nil where it cannot be read.
    public let peakResidentMiB: Double?
    /// Timed frames per subject and thread count (the harness's schedule, for the header).
    public let frames: Int
    /// Untimed frames first.
    public let warmup: Int
    /// Turns each subject took.
    public let rounds: Int

    /// The report of `results`, measured with `harness`'s schedule.
    public init(results: [BenchResult], peakResidentMiB: Double?, harness: BenchHarness) {
        self.results = results
        self.peakResidentMiB = peakResidentMiB
        self.frames = harness.frames
        self.warmup = harness.warmup
        self.rounds = harness.rounds
    }

    /// The text form; every line ends with a newline.
    public var text: String {
        var lines = ["int8 kernels    \(InstructionSet.current.rawValue) (detected \(InstructionSet.detected.rawValue)); "
                     + "\(frames) timed frames after \(warmup) warm-up, per configuration, models taking turns in \(rounds) rounds"]
        for r in results {
            lines.append("")
            lines.append("\(r.precision.rawValue), \(Self.threads(r.threads))  (\(r.name))")
            lines.append("  stage          median ms    p90 ms    p99 ms")
            for stage in BenchStage.allCases {
                let s = r[stage]
                lines.append("  " + stage.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                             + pad(s.median.rounded(3), 10) + pad(s.p90.rounded(3), 10) + pad(s.p99.rounded(3), 10))
            }
            lines.append("  throughput     \(Self.framesPerSecond(r[.frame].mean).rounded(1)) frames/s whole frame, "
                         + "\(Self.framesPerSecond(r[.expert].mean).rounded(1)) frames/s expert only (from means)")
        }
        let speedups = BenchSpeedup.rows(results)
        if !speedups.isEmpty {
            lines.append("")
            lines.append("speed-up of each model over the first, same threads (median / median)")
            for row in speedups {
                lines.append("  \(row.label): " + row.ratios.map { "\($0.stage.rawValue) \($0.ratio.rounded(2))x" }.joined(separator: ", "))
            }
        }
        if let peakResidentMiB {
            lines.append("")
            lines.append("peak RSS        \(peakResidentMiB.rounded(1)) MiB (the whole bench process)")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The JSON form: schedule, instruction set, peak RSS (null where unknown), a run per result
    /// with every stage's statistics, and the speed-ups.
    public func json() throws -> String {
        let object: [String: Any] = [
            "isa": InstructionSet.current.rawValue,
            "frames": frames, "warmup": warmup,
            "peak_rss_mib": JSONDocument.nullable(peakResidentMiB),
            "runs": results.map { r in
                [
                    "model": r.name, "precision": r.precision.rawValue, "threads": r.threads,
                    "mean_score": r.meanScore,
                    "stages": Dictionary(uniqueKeysWithValues: BenchStage.allCases.map { stage in
                        let s = r[stage]
                        return (stage.rawValue, ["median_ms": s.median, "p90_ms": s.p90, "p99_ms": s.p99, "mean_ms": s.mean])
                    }),
                    "frames_per_second": Self.framesPerSecond(r[.frame].mean),
                ] as [String: Any]
            },
            "speedups": BenchSpeedup.rows(results).map { row in
                ["label": row.label, "ratios": Dictionary(uniqueKeysWithValues: row.ratios.map { ($0.stage.rawValue, $0.ratio) })] as [String: Any]
            },
        ]
        return try JSONDocument.render(object)
    }

    /// "1 thread", "2 threads".
    static func threads(_ count: Int) -> String { "\(count) thread\(count == 1 ? "" : "s")" }

    /// Frames per second from a mean time in milliseconds (a zero time does not divide by zero).
    static func framesPerSecond(_ milliseconds: Double) -> Double { 1000 / max(milliseconds, 1e-9) }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
