import ArgumentParser
import Foundation
import Imaging
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
            rounds, so a period when a shared machine runs slower falls on all of them alike and the ratios \
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

    func run() throws {
        guard !model.isEmpty else { Diagnostics.fail("give at least one --model") }
        let counts = threadCounts.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }), frames >= 1, warmup >= 0 else {
            Diagnostics.fail("--thread-counts must list positive integers; --frames >= 1, --warmup >= 0")
        }
        let jpegs = encodedFrames()
        let network = backbone.network()
        var subjects: [ExpertStageTimer] = []
        for path in model {
            do {
                subjects.append(try ExpertStageTimer(name: path, expert: PatchCoreExpert(network: network, model: ModelFile.load(path))))
            } catch {
                Diagnostics.fail("\(error)")
            }
        }
        let harness = BenchHarness(frames: frames, warmup: warmup)
        let results: [BenchResult]
        do {
            results = try harness.measure(subjects, frames: jpegs, threadCounts: counts)
        } catch {
            Diagnostics.fail("\(error)")
        }
        let report = BenchReport(results: results, peakResidentMiB: ResourceUsage.peakResidentMiB(), harness: harness)
        if json {
            print(try report.json())
        } else {
            print(report.text, terminator: "")
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
}
