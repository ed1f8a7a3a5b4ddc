import ArgumentParser
import Dispatch
import Foundation
import Imaging
import Kernels
import PatchCore

/// `eagle-edge bench --model A --model B IMAGES...`: per-stage frame times of the expert, every
/// model (precision) at every thread count, in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the expert per stage (decode, resize/crop, backbone, features, search, map) at each precision and thread count.",
        discussion: """
            Frames are the given images encoded once as JPEG (quality 90) in memory, as an MJPEG \
            camera delivers them, and cycled. At each thread count the models take turns in four \
            rounds, so a slow spell of a shared machine falls on all of them alike and the ratios \
            stay fair: --warmup untimed frames each first, then per round a pause (OpenBLAS's \
            threads spin for a while after an fp32 frame and would steal the next model's cores), \
            two untimed frames (fewer if --warmup is) and a quarter of --frames timed frames; \
            medians, p90 and p99 are \
            nearest-rank over all rounds. Ratios divide the first model's \
            median by each other model's, at the same thread count. Nothing is asserted: these \
            are figures to read.
            """
    )

    @OptionGroup var backbone: BackboneOptions

    @Option(name: .shortAndLong, help: "A model file; repeat to compare (e.g. one taught in fp32, one in int8).")
    var model: [String]

    @Option(help: "Comma-separated thread counts to run each model with.")
    var threadCounts = "1,2"

    @Option(help: "Timed frames per configuration (at least 200 for stable p99).")
    var frames = 200

    @Option(help: "Untimed frames first, per configuration.")
    var warmup = 20

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    @Argument(help: "Folders and/or image files to use as frames (at most 32 distinct frames are kept).")
    var images: [String]

    static let stages = ["decode", "resize+crop", "backbone", "features", "search", "map+blur", "expert", "frame"]

    func run() throws {
        guard !model.isEmpty else { Diagnostics.fail("give at least one --model") }
        let counts = threadCounts.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }), frames >= 1, warmup >= 0 else {
            Diagnostics.fail("--thread-counts must list positive integers; --frames >= 1, --warmup >= 0")
        }
        let jpegs = encodedFrames()
        let network = backbone.network()
        var experts: [PatchCoreExpert] = []
        for path in model {
            do { experts.append(try PatchCoreExpert(network: network, model: ModelFile.load(path))) } catch { Diagnostics.fail("\(error)") }
        }
        var results: [BenchResult] = []
        for threads in counts {
            Kernels.setThreadCount(threads)
            do {
                results += try measure(experts, paths: model, threads: threads, jpegs: jpegs)
            } catch {
                Diagnostics.fail("\(error)")
            }
        }
        let rss = ResourceUsage.peakResidentMiB()
        if json {
            print(try BenchReport.json(results, peakRSS: rss, frames: frames, warmup: warmup))
        } else {
            BenchReport.print(results, peakRSS: rss, frames: frames, warmup: warmup)
        }
    }

    /// The frames as JPEG bytes.
    private func encodedFrames() -> [[UInt8]] {
        let files = Array(ImageList.expand(images).prefix(32))
        guard !files.isEmpty else { Diagnostics.fail("no images found in \(images.joined(separator: ", "))") }
        var jpegs: [[UInt8]] = []
        for file in files {
            do { jpegs.append(try JPEG.encode(ImageFile.readRGB(file), quality: 90)) } catch { Diagnostics.warn("skipped \(file): \(error)") }
        }
        guard !jpegs.isEmpty else { Diagnostics.fail("none of the images could be read") }
        return jpegs
    }

    /// Rounds in which the models take turns (see the discussion).
    static let rounds = 4

    /// Every expert on the same frames at `threads`, taking turns in ``rounds`` rounds.
    private func measure(_ experts: [PatchCoreExpert], paths: [String], threads: Int, jpegs: [[UInt8]]) throws -> [BenchResult] {
        var samples = [[[UInt64]]](repeating: [[UInt64]](repeating: [], count: Self.stages.count), count: experts.count)
        var scoreSums = [Double](repeating: 0, count: experts.count)
        var frameCounts = [Int](repeating: 0, count: experts.count)
        let decoder = try JPEGDecoder()
        let rounds = min(Self.rounds, frames)
        for round in 0..<rounds {
            let timed = frames / rounds + (round < frames % rounds ? 1 : 0)
            for m in experts.indices {
                Thread.sleep(forTimeInterval: 0.2)
                let untimed = round == 0 ? warmup : min(2, warmup)
                for i in 0..<(untimed + timed) {
                    let times: [UInt64], score: Double
                    do {
                        (times, score) = try timedFrame(experts[m], jpeg: jpegs[(frameCounts[m] + i) % jpegs.count], decoder: decoder)
                    } catch {
                        Diagnostics.fail("\(paths[m]): \(error)")
                    }
                    scoreSums[m] += score
                    guard i >= untimed else { continue }
                    for (s, v) in times.enumerated() { samples[m][s].append(v) }
                    samples[m][6].append(times[2...5].reduce(0, +))
                    samples[m][7].append(times.reduce(0, +))
                }
                frameCounts[m] += untimed + timed
            }
        }
        return experts.indices.map { m in
            BenchResult(modelPath: paths[m], precision: experts[m].model.settings.precision, threads: threads,
                        stages: samples[m].map(BenchStatistics.init(nanoseconds:)), meanScore: scoreSums[m] / Double(max(1, frameCounts[m])))
        }
    }

    /// One frame through the expert: the time of each stage up to the map (in ``stages`` order) and the score.
    private func timedFrame(_ expert: PatchCoreExpert, jpeg: [UInt8], decoder: JPEGDecoder) throws -> ([UInt64], Double) {
        var t = DispatchTime.now().uptimeNanoseconds
        var times: [UInt64] = []
        func lap() {
            let now = DispatchTime.now().uptimeNanoseconds
            times.append(now - t)
            t = now
        }
        let image = try decoder.decodeRGB(jpeg); lap()
        let crop = try expert.preprocess(image); lap()
        let taps = try expert.tapFeatures(of: crop); lap()
        let features = try expert.patchFeatures(taps: taps); lap()
        let nearest = try expert.search(features.matrix); lap()
        let result = try expert.result(crop: crop, features: features, nearest: nearest); lap()
        return (times, result.score)
    }
}

/// One model at one thread count.
struct BenchResult {
    let modelPath: String
    let precision: Precision
    let threads: Int
    /// In the order of ``BenchCommand/stages``.
    let stages: [BenchStatistics]
    /// Keeps the work observable (and is a sanity figure: both precisions should be close).
    let meanScore: Double

    func stage(_ name: String) -> BenchStatistics { stages[BenchCommand.stages.firstIndex(of: name) ?? 0] }
}
