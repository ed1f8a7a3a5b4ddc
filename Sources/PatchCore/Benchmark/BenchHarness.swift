import Foundation
import Kernels

/// Times subjects (models) on the same frames, fairly on a shared machine: at each thread count
/// the subjects take turns in rounds, so a period when the machine runs slower (other work on
/// its cores) falls on all of them alike and the ratios between them hold. Each subject gets ``warmup`` untimed frames first; in every round it
/// pauses, runs a few untimed frames (``reheatFrames``, fewer if ``warmup`` is) and its share of
/// ``frames`` timed ones. A subject carries on through the frames where it left off, cycling.
public struct BenchHarness: Sendable {
    /// Rounds unless told otherwise.
    public static let defaultRounds = 4
    /// Untimed frames at the start of every round after the first.
    public static let reheatFrames = 2

    /// Timed frames per subject and thread count, spread over the rounds.
    public var frames: Int
    /// Untimed frames per subject and thread count before its first timed one.
    public var warmup: Int
    /// Turns each subject takes (no more than ``frames``).
    public var rounds: Int
    /// Seconds each subject waits before its turn: OpenBLAS's threads spin for a while after
    /// an fp32 frame and would steal the next subject's cores.
    public var pauseSeconds: Double

    /// A schedule; ``measure(_:frames:threadCounts:setThreadCount:)`` checks its ranges.
    public init(frames: Int, warmup: Int, rounds: Int = defaultRounds, pauseSeconds: Double = 0.2) {
        self.frames = frames
        self.warmup = warmup
        self.rounds = rounds
        self.pauseSeconds = pauseSeconds
    }

    /// Every subject at every thread count, in that order (thread counts outer): one result
    /// each. `setThreadCount` is called before each thread count's turns.
    /// - Throws: ``BenchError`` for no frames, a schedule out of range, or a failing frame.
    public func measure(_ subjects: [any BenchSubject], frames jpegs: [[UInt8]], threadCounts: [Int],
                        setThreadCount: (Int) -> Void = { Kernels.setThreadCount($0) }) throws -> [BenchResult] {
        guard !jpegs.isEmpty else { throw BenchError.noFrames }
        guard frames >= 1, warmup >= 0, rounds >= 1, threadCounts.allSatisfy({ $0 >= 1 }) else {
            throw BenchError.invalidSchedule("frames \(frames) and rounds \(rounds) must be at least 1, warm-up \(warmup) at least 0, "
                                             + "thread counts \(threadCounts) positive")
        }
        var results: [BenchResult] = []
        for threads in threadCounts {
            setThreadCount(threads)
            results += try measure(subjects, frames: jpegs, threads: threads)
        }
        return results
    }

    /// The turns at one thread count.
    private func measure(_ subjects: [any BenchSubject], frames jpegs: [[UInt8]], threads: Int) throws -> [BenchResult] {
        var samples = [[BenchStage: [UInt64]]](repeating: [:], count: subjects.count)
        var scoreSums = [Double](repeating: 0, count: subjects.count)
        var frameCounts = [Int](repeating: 0, count: subjects.count)
        let rounds = min(self.rounds, frames)
        for round in 0..<rounds {
            let timed = frames / rounds + (round < frames % rounds ? 1 : 0)
            for (m, subject) in subjects.enumerated() {
                if pauseSeconds > 0 { Thread.sleep(forTimeInterval: pauseSeconds) }
                let untimed = round == 0 ? warmup : min(Self.reheatFrames, warmup)
                for i in 0..<(untimed + timed) {
                    let frame: TimedFrame
                    do {
                        frame = try subject.time(frame: jpegs[(frameCounts[m] + i) % jpegs.count])
                    } catch {
                        throw BenchError.frameFailed(subject: subject.name, underlying: error)
                    }
                    scoreSums[m] += frame.score
                    guard i >= untimed else { continue }
                    for stage in BenchStage.allCases { samples[m][stage, default: []].append(frame.nanoseconds(of: stage)) }
                }
                frameCounts[m] += untimed + timed
            }
        }
        return subjects.enumerated().map { m, subject in
            BenchResult(name: subject.name, precision: subject.precision, threads: threads,
                        stages: samples[m].mapValues(BenchStatistics.init(nanoseconds:)),
                        meanScore: scoreSums[m] / Double(max(1, frameCounts[m])))
        }
    }
}
