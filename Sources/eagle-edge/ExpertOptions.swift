import Appliance
import ArgumentParser
import Imaging
import Kernels
import PatchCore

/// Options shared by the commands that run the backbone.
struct BackboneOptions: ParsableArguments {
    @Option(help: "The converted EfficientNet-Lite0 weights (default: $EAGLE_WEIGHTS, .cache/weights/ in the checkout, /usr/share/eagle-edge/).")
    var weights: String?

    @Option(help: "Threads for the convolutions and the coreset, as expert.threads.")
    var threads = ExpertConfig().threads

    /// Loads the network or fails the command with one sentence.
    func network() -> EfficientNetLite0 {
        Self.network(weights: weights, threads: threads)
    }

    /// The network from `weights` (or the default place), with the kernels on `threads`.
    static func network(weights: String?, threads: Int) -> EfficientNetLite0 {
        do {
            let path = try weights ?? WeightsLocation.defaultWeightsPath()
            Kernels.setThreadCount(threads)
            return try EfficientNetLite0(weights: EfficientNetLite0Weights(contentsOf: path))
        } catch {
            Diagnostics.fail("\(error)")
        }
    }
}

/// How the model is taught: the design choices measured in docs/expert.md. Defaults are
/// ``PatchCoreSettings``' own.
struct TeachOptions: ParsableArguments {
    private static let defaults = PatchCoreSettings()

    @Option(help: "Comma-separated feature taps, finest first (e.g. block4,block10 or block5.expand,block10).")
    var taps = defaults.taps.map(\.description).joined(separator: ",")

    @Option(help: "crop<N> (shorter side to N, centre crop) or stretch (resize to the input size).")
    var fit = defaults.fit.storedName

    @Option(help: "Backbone input as WIDTHxHEIGHT.")
    var input = "\(defaults.inputWidth)x\(defaults.inputHeight)"

    @Option(help: "Patch feature channels after pooling (default: all tap channels).")
    var dimension: Int?

    @Option(help: "Channels each tap is pooled to before concatenation; 0 keeps all of them.")
    var tapDimension = defaults.tapDimension ?? 0

    @Option(help: "Share of teach patches kept in the memory bank.")
    var coresetRatio = defaults.coresetRatio

    @Option(help: "Threshold = mean + k * std of held-out good scores.")
    var sigmas = defaults.thresholdSigmas

    @Flag(inversion: .prefixedNo, help: "Calibrate on every teach image: each fold of 1/5 of them is scored against a bank of the others (a coreset selection per fold); without, one fifth is held out.")
    var crossFit = defaults.crossFit

    @Flag(help: "Re-weight the image score by the bank density around its nearest patch (paper eq. 7).")
    var reweight = defaults.reweighting

    @Option(help: "Seed of the coreset selection.")
    var seed = defaults.seed

    @Option(help: "Backbone arithmetic: int8 (fixed point, the appliance's) or fp32 (the reference); eval takes a list, e.g. int8,fp32.")
    var precision = defaults.precision.rawValue

    @Option(help: "int8 activation ranges: minmax, mse (the range of least expected int8 error), or pF to clip the F and 1 - F quantiles per image (e.g. p0.0001).")
    var ranges = defaults.rangeEstimator.storedName

    @Option(help: "int8: how many teach images (spread over the set) set the activation ranges and the bias corrections.")
    var quantizationImages = defaults.quantizationImages

    @Flag(inversion: .prefixedNo, help: "int8: measure per-channel bias corrections at teach time (sequential, on the range images) and store them in the model.")
    var biasCorrection = defaults.biasCorrection

    @Flag(inversion: .prefixedNo, help: "int8: choose the coreset on the fp32 features of the teach patches (an extra fp32 pass per teach image) and bank their int8 features.")
    var referenceCoreset = defaults.referenceCoreset

    @Option(help: "Remove the background before the backbone: the Gaussian sigma in input pixels of the lighting and shading taken away (0: off). For parts whose brightness varies while the defects are fine lines or spots.")
    var flatten: Float = 0

    @Option(help: "Add thin dark lines along the image rows, measured on the frame at its own resolution, to the patch distances: SIGMA:OFFSET:LENGTH in frame pixels (e.g. 1:3:31; empty: off). Needs --fit stretch.")
    var lineEvidence = ""

    @Option(help: "Teach also on re-oriented copies of each image, for parts that come in any orientation: comma-separated flip_h, flip_v, rot180, rot90, rot270 (quarter turns need a square --input).")
    var augment = ""

    /// The precisions asked, in order; fails the command on an unknown name.
    func precisions() -> [Precision] {
        let names = precision.split(separator: ",").map(String.init)
        let parsed = names.compactMap(Precision.init(rawValue:))
        guard !parsed.isEmpty, parsed.count == names.count, Set(parsed).count == parsed.count else {
            Diagnostics.fail("--precision must be int8, fp32 or int8,fp32, not '\(precision)'")
        }
        return parsed
    }

    func settings() -> PatchCoreSettings {
        var taps: [FeatureTap] = []
        for name in self.taps.split(separator: ",") {
            guard let tap = FeatureTap(String(name)) else {
                Diagnostics.fail("unknown feature tap '\(name)'; known: \(FeatureTap.all.map(\.description).joined(separator: ", "))")
            }
            taps.append(tap)
        }
        guard let fit = PatchCoreSettings.Fit(storedName: fit) else {
            Diagnostics.fail("--fit must be crop<N> (e.g. crop256) or stretch, not '\(self.fit)'")
        }
        let size = input.split(separator: "x").compactMap { Int($0) }
        guard size.count == 2 else { Diagnostics.fail("--input must be WIDTHxHEIGHT, e.g. 224x224, not '\(input)'") }
        var settings = PatchCoreSettings(taps: taps, fit: fit, inputWidth: size[0], inputHeight: size[1],
                                         featureDimension: dimension, tapDimension: tapDimension > 0 ? tapDimension : nil, coresetRatio: coresetRatio, seed: seed,
                                         reweighting: reweight, thresholdSigmas: sigmas, crossFit: crossFit)
        settings.precision = precisions()[0]
        guard let estimator = RangeEstimator(storedName: ranges) else {
            Diagnostics.fail("--ranges must be minmax, mse or pF with 0 < F < 0.5 (e.g. p0.0001), not '\(ranges)'")
        }
        settings.rangeEstimator = estimator
        settings.quantizationImages = quantizationImages
        settings.biasCorrection = biasCorrection
        settings.referenceCoreset = referenceCoreset
        for name in augment.split(separator: ",") {
            guard let orientation = Orientation(rawValue: String(name)) else {
                Diagnostics.fail("unknown --augment '\(name)'; known: \(Orientation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.augment.append(orientation)
        }
        settings.flattenSigma = flatten == 0 ? nil : flatten
        if !lineEvidence.isEmpty {
            guard let lines = LineEvidence(storedName: lineEvidence) else {
                Diagnostics.fail("--line-evidence must be SIGMA:OFFSET:LENGTH in frame pixels, e.g. 1:3:31, not '\(lineEvidence)'")
            }
            settings.lineEvidence = lines
        }
        do { try settings.validate() } catch { Diagnostics.fail("\(error)") }
        return settings
    }
}
