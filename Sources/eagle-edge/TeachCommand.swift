import ArgumentParser
import Dispatch
import Explain
import Foundation
import Imaging
import PatchCore

/// `eagle-edge teach --out MODEL DIR_OR_FILES...`: a model from images of good parts.
struct TeachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teach",
        abstract: "Teach a PatchCore model from images of good parts only.",
        discussion: """
            Holds out a share of the images to set the label-free threshold (mean + k std of their \
            scores, or with --false-reject-target the generalised Pareto tail of those scores at \
            that target), builds the memory bank from all of them, and writes the model file atomically. \
            A few of the images, small, go beside it in MODEL.refs/: the MLLM explainer shows the \
            one most like a flagged part as a normal reference.

            With --defects, images of known-bad parts set the threshold as well: it catches every \
            one of them the false-reject target allows (halfway between the good parts' limit and \
            the weakest such defect), and a table tells how many known defects that needs to be \
            stable.
            """
    )

    @OptionGroup var backbone: BackboneOptions
    @OptionGroup var teach: TeachOptions

    @Option(name: .shortAndLong, help: "The model file to write (e.g. bottle.eagle).")
    var out: String

    @Argument(help: "Folders of images and/or image files of good parts.")
    var images: [String]

    @Option(help: "A folder (or image files, comma-separated) of known-bad parts that set the threshold too.")
    var defects: String?

    @Option(help: "The share of good parts the threshold may reject at most (e.g. 0.03). Without --defects the threshold is the out-of-bank scores' Pareto tail at it instead of mean + k std; with --defects 0.02 when not given.")
    var falseRejectTarget: Double?

    func run() throws {
        let settings = teach.settings()
        let files = ImageList.expand(images)
        guard !files.isEmpty else { Diagnostics.fail("no images found in \(images.joined(separator: ", "))") }
        let defectFiles = defects.map { ImageList.expand($0.split(separator: ",").map(String.init)) } ?? []
        // Checked before the minutes of teaching, not after.
        if let target = falseRejectTarget, !(target > 0 && target < 0.5) {
            Diagnostics.fail("--false-reject-target \(target) is outside 0...0.5 (e.g. 0.02 for 2 %)")
        }
        if let defects {
            guard !defectFiles.isEmpty else { Diagnostics.fail("no images found in --defects \(defects)") }
            if let absent = defectFiles.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                Diagnostics.fail("--defects: no such file or folder: \(absent)")
            }
        }
        let network = backbone.network()
        var model = Self.teach(network: network, settings: settings, count: files.count,
                               source: images.joined(separator: " "), threads: backbone.threads) {
            try ImageFile.readRGB(files[$0])
        }
        if !defectFiles.isEmpty {
            model = Self.calibrate(model, network: network, defects: defectFiles, falseRejectTarget: falseRejectTarget ?? 0.02)
        } else if let target = falseRejectTarget {
            model.calibration = model.calibration.with(.paretoTail(falseRejectTarget: target))
        }
        do {
            try ModelFile.save(model, to: out)
        } catch {
            Diagnostics.fail("\(error)")
        }
        Self.printSummary(model, path: out)
        Self.keepReferences(count: files.count, model: out) { try ImageFile.readRGB(files[$0]) }
    }

    /// Scores the known-bad images with the taught model and sets its threshold from them
    /// (``KnownDefectThreshold``); prints the defects caught and how many known defects the
    /// threshold needs to be stable. An unreadable image stops with its name.
    static func calibrate(_ model: PatchCoreModel, network: EfficientNetLite0, defects files: [String],
                          falseRejectTarget: Double) -> PatchCoreModel {
        let bar = ProgressBar("defects", total: files.count)
        var scores: [Float] = []
        do {
            let expert = try PatchCoreExpert(network: network, model: model)
            for (index, file) in files.enumerated() {
                do {
                    scores.append(Float(try expert.inspect(try ImageFile.readRGB(file)).score))
                } catch {
                    Diagnostics.fail("\(file): \(error)")
                }
                bar.update(index + 1)
            }
        } catch {
            Diagnostics.fail("\(error)")
        }
        var calibrated = model
        calibrated.calibration = model.calibration.with(.knownDefects(falseRejectTarget: falseRejectTarget, defectScores: scores))
        let floor = model.calibration.with(.paretoTail(falseRejectTarget: falseRejectTarget)).threshold
        let caught = scores.filter { Double($0) >= calibrated.calibration.threshold }.count
        print("defects     \(files.count) known-bad images: \(caught) score at or above the threshold,"
              + " \(files.count - caught) below the \(ThresholdRule.paretoTail(falseRejectTarget: falseRejectTarget)) of the good parts (\(floor.rounded(4)))")
        let sizes = [1, 2, 3, 5, 8, 12, 20, 30, 50].filter { $0 < scores.count }
        let rows = KnownDefectThreshold.stability(goodScores: model.calibration.heldOutScores, defectScores: scores,
                                                  falseRejectTarget: falseRejectTarget, sizes: sizes)
        if !rows.isEmpty {
            print("            threshold set from k of them, escape among the others (median / 95th percentile of \(rows[0].draws) draws):")
            for row in rows {
                print("            k = \(row.size): \((row.medianEscape * 100).rounded(1)) % / \((row.worstEscape * 100).rounded(1)) %")
            }
            if let stable = KnownDefectThreshold.stableSize(rows) {
                print("            stable from \(stable) known defects (95th percentile within 5 points of the median at k = \(rows[rows.count - 1].size))")
            } else {
                print("            not stable with these \(scores.count) known defects: add more")
            }
        }
        return calibrated
    }

    /// Keeps a few of the `count` good images, evenly spread, beside the model (`MODEL.refs/`)
    /// for the explainer's normal reference; a failure costs only that reference, so it is a
    /// warning.
    static func keepReferences(count: Int, model: String, image: (Int) throws -> RGBImage) {
        let kept = min(ReferenceSet.storedCount, count)
        guard kept > 0 else { return }
        do {
            let images = try (0..<kept).map { try image($0 * count / kept) }
            let directory = try ReferenceSet.store(images, forModel: model)
            print("references  \(kept) good images kept in \(directory) for the MLLM explainer")
        } catch {
            Diagnostics.warn("no reference images kept beside the model: \(error)")
        }
    }

    /// Teaches on `count` images with a progress bar; an image that cannot be read stops with
    /// its name.
    static func teach(network: EfficientNetLite0, settings: PatchCoreSettings, count: Int, source: String,
                      threads: Int, image: @escaping (Int) throws -> RGBImage) -> PatchCoreModel {
        let bar = ProgressBar("teach", total: count)
        do {
            return try PatchCoreTeacher(network: network, settings: settings, threads: threads).teach(
                count: count, source: source, image: image,
                progress: { step in
                    switch step {
                    case .extracting(let done, _): bar.update(done)
                    case .selectingCoreset, .quantizing: break
                    }
                })
        } catch {
            Diagnostics.fail("\(error)")
        }
    }

    static func printSummary(_ model: PatchCoreModel, path: String) {
        let c = model.calibration, p = model.provenance
        print("model       \(path)")
        print("taught on   \(p.teachImageCount) images (\(p.heldOutImageCount) scored out of bank for calibration) in \(p.teachSeconds.rounded(1)) s")
        print("precision   \(model.settings.precision.rawValue)"
              + (model.activationRanges.map { ", \($0.names.count) activation ranges (\(model.settings.rangeEstimator.storedName))"
                  + (model.biasCorrections.map { " and \($0.layers.count) layers' bias corrections" } ?? "")
                  + " from \(min(model.settings.quantizationImages, model.provenance.teachImageCount)) images" } ?? ""))
        print("bank        \(model.bank.count) of \(p.teachPatchCount) patches x \(model.bank.dimension) dims, "
              + "\((Double(model.bankBytes) / 1_048_576).rounded(2)) MiB")
        print("threshold   \(c.threshold.rounded(4)): \(c.rule) of \(c.heldOutScores.count) out-of-bank scores (mean \(c.mean.rounded(4)), std \(c.standardDeviation.rounded(4)))")
        print("            quantile alternative for a 1 % false-reject target: \(c.quantileThreshold(falseRejectRate: 0.01).rounded(4))")
        print("held-out    false-reject rate at the threshold \((c.heldOutFalseRejectRate * 100).rounded(1)) %")
        if let rss = ResourceUsage.peakResidentMiB() { print("memory      peak RSS \(rss.rounded(0)) MiB") }
    }
}
