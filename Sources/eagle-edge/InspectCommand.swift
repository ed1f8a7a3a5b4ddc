import Appliance
import ArgumentParser
import Foundation
import Imaging
import Inspection
import PatchCore

/// `eagle-edge inspect --model M IMAGES...`: the expert's verdict on image files.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Score images with a taught model: score, verdict and the suspect regions.",
        discussion: "A file that cannot be read is reported and the others are still inspected; the exit status is then 1."
    )

    @OptionGroup var backbone: BackboneOptions

    @Option(name: .shortAndLong, help: "The model file written by teach.")
    var model: String

    @Option(help: "Half-width of the unsure band around the normalised threshold 0.5, as decision.unsure_band.")
    var unsureBand = DecisionConfig().unsureBand

    @Option(help: "Write an overlay (heatmap and boxes) per image into this folder.")
    var heatmaps: String?

    @Flag(help: "One JSON object per image instead of text.")
    var json = false

    @Argument(help: "Folders and/or JPEG or PNG files.")
    var images: [String]

    func run() throws {
        let expert: PatchCoreExpert
        do {
            expert = try PatchCoreExpert(network: backbone.network(), model: ModelFile.load(model))
        } catch {
            Diagnostics.fail("\(error)")
        }
        if let heatmaps {
            try? FileManager.default.createDirectory(atPath: heatmaps, withIntermediateDirectories: true)
        }
        let finder = SuspectRegionFinder()
        var failures = 0
        for path in ImageList.expand(images) {
            do {
                let result = try expert.inspect(ImageFile.readRGB(path))
                let verdict = Verdict(normalizedScore: result.normalizedScore, unsureBand: unsureBand)
                let regions = verdict == .pass ? []
                    : finder.regions(in: result.anomalyMap, floor: Float(expert.model.calibration.threshold))
                if json {
                    print(try jsonLine(path: path, result: result, verdict: verdict, regions: regions))
                } else {
                    let boxes = regions.map { "\($0.box)" }.joined(separator: " ")
                    print("\(path)  \(verdict.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) "
                          + "score \(result.score.rounded(4))  normalised \(result.normalizedScore.rounded(3))"
                          + (boxes.isEmpty ? "" : "  regions \(boxes)"))
                }
                if let heatmaps {
                    // Folder and file name: frames from different folders often share names.
                    let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
                    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    let name = (folder.isEmpty ? "" : folder + "_") + stem + "_overlay.png"
                    try ImageFile.write(AnomalyOverlay.render(result, regions: regions, calibration: expert.model.calibration),
                                        to: (heatmaps as NSString).appendingPathComponent(name))
                }
            } catch {
                failures += 1
                Diagnostics.warn("\(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func jsonLine(path: String, result: AnomalyResult, verdict: Verdict, regions: [SuspectRegion]) throws -> String {
        let object: [String: Any] = [
            "image": path, "verdict": verdict.rawValue, "score": result.score, "normalized_score": result.normalizedScore,
            "regions": regions.map { ["x": $0.box.x, "y": $0.box.y, "width": $0.box.width, "height": $0.box.height, "peak": Double($0.peak)] },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
