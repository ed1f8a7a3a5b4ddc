import Foundation
import Imaging
import Kernels

/// Teaches a model from images of good parts only.
///
/// Calibration is label-free: every `1 / holdoutShare`-th image is held out, a bank is built
/// from the others and the held-out images are scored against it; their score distribution sets
/// the threshold. With ``PatchCoreSettings/crossFit`` every image is held out once, in turn. The production bank is then built from all images, so it is at least as
/// complete as the calibration bank (held-out scores err towards fewer false rejects).
///
/// An int8 teach first measures the activation ranges and (``PatchCoreSettings/biasCorrection``)
/// the bias corrections on a sample of the images; with ``PatchCoreSettings/referenceCoreset``
/// it also runs the fp32 network on every image and chooses both coresets on those features, so
/// the int8 bank holds the patches the fp32 bank would (greedy k-centre selection is chaotic:
/// features 0.1 % apart otherwise pick different patches, and the scores then differ by a few
/// per cent from the bank alone).
public struct PatchCoreTeacher: Sendable {
    public let network: EfficientNetLite0
    public let settings: PatchCoreSettings
    /// Threads for the coreset selection.
    public let threads: Int

    public init(network: EfficientNetLite0, settings: PatchCoreSettings, threads: Int = 2) {
        self.network = network
        self.settings = settings
        self.threads = threads
    }

    /// Progress of a teach run, for the CLI's progress bar.
    public enum Progress: Sendable {
        case extracting(done: Int, total: Int)
        case selectingCoreset(bank: String)
        /// Measuring the int8 activation ranges (and bias corrections) on a sample of the images.
        case quantizing
    }

    /// Teaches from `images` (decoded lazily by the closure so a 1000-image set never sits in
    /// memory at once).
    /// - Parameters:
    ///   - count: number of images.
    ///   - image: loads image i; a thrown error aborts teaching (a bad teach image is an
    ///     operator error worth stopping for).
    public func teach(count: Int, source: String, image: (Int) throws -> RGBImage,
                      progress: (Progress) -> Void = { _ in }) throws -> PatchCoreModel {
        try settings.validate()
        let holdoutEvery = max(2, Int((1 / settings.holdoutShare).rounded()))
        guard count >= holdoutEvery else {
            throw PatchCoreError.notEnoughImages("\(count) given, at least \(holdoutEvery) needed to hold out one for calibration")
        }
        let started = Date()
        let aggregator = settings.aggregator
        var ranges: ActivationRanges?
        var corrections: BiasCorrections?
        let backbone: FeatureBackbone
        switch settings.precision {
        case .fp32:
            backbone = .fp32(network)
        case .int8:
            progress(.quantizing)
            let deepest = settings.taps.map(\.block).max() ?? 0
            let sample = Self.spread(min(settings.quantizationImages, count), over: count)
            let crops = try sample.map {
                PatchCoreExpert.networkInput(try PatchCoreExpert.preprocess(image($0), settings: settings), settings: settings)
            }
            let calibrator = ActivationCalibrator(network: network, deepestBlock: deepest, estimator: settings.rangeEstimator)
            let measured: ActivationRanges
            if settings.biasCorrection {
                // One fp32 pass per image gives both the ranges and the means the corrections aim at.
                let means: [String: [Double]]
                (measured, means) = try calibrator.rangesAndMeans(of: crops)
                corrections = try BiasCorrector(network: network, ranges: measured, deepestBlock: deepest)
                    .corrections(of: crops, fp32Means: means)
            } else {
                measured = try calibrator.ranges(of: crops)
            }
            ranges = measured
            backbone = .int8(try QuantizedEfficientNetLite0(network: network, ranges: measured, deepestBlock: deepest,
                                                            biasCorrections: corrections))
        }
        // Every patch of every image in one matrix, grown in place: the coreset needs them all at
        // once, and one buffer (plus its projection) is the teach run's peak memory.
        var all: [Float] = []
        // Rows of each teach image with its re-orientations (kept out of the bank together when
        // the image is scored out of bank), and of the image itself (what is scored).
        var imageRows: [Range<Int>] = []
        var scoredRows: [Range<Int>] = []
        var dimension = 0
        let sampler = CoresetSampler(projectionDimension: settings.projectionDimension, seed: settings.seed, threads: threads)
        // The coreset's projection, image by image: of the features banked or, with a reference
        // coreset, of the fp32 features of the same patches. Always per image, so that an int8
        // teach projects its reference exactly as the fp32 teach projects its own features (sgemm
        // may round a different shape differently, and the greedy selection amplifies any
        // difference).
        let onReference = settings.precision == .int8 && settings.referenceCoreset
        var projected: [SIMD16<Float>] = []
        // With line evidence: each teach image's line contrast pooled to its patch grid.
        var lineGrids: [[Float]] = []
        let variants = 1 + settings.augment.count
        for i in 0..<count {
            let frame = try image(i)
            let crop = try PatchCoreExpert.preprocess(frame, settings: settings)
            let first = imageRows.last?.upperBound ?? 0
            var next = first
            for orientation in [nil] + settings.augment.map(Optional.some) {
                // Flattened once here, for the int8 features and their fp32 reference alike.
                let view = PatchCoreExpert.networkInput(orientation.map { crop.oriented($0) } ?? crop, settings: settings)
                let (features, gridWidth, gridHeight) = try PatchCoreExpert.features(of: view, backbone: backbone, settings: settings,
                                                                                      aggregator: aggregator)
                if orientation == nil, let lines = settings.lineEvidence {
                    lineGrids.append(try lines.contrast(of: frame).maxPooled(width: gridWidth, height: gridHeight).values)
                }
                let selected = onReference
                    ? try PatchCoreExpert.features(of: view, backbone: .fp32(network), settings: settings, aggregator: aggregator).0
                    : features
                if i == 0 && orientation == nil {
                    all.reserveCapacity(count * variants * features.values.count)
                    projected.reserveCapacity(count * variants * features.count * settings.projectionDimension / 16)
                }
                guard next == 0 || features.dimension == dimension else {
                    throw PatchCoreError.inputMismatch("image \(i) gave features of dimension \(features.dimension), not \(dimension)")
                }
                dimension = features.dimension
                if orientation == nil { scoredRows.append(next..<(next + features.count)) }
                next += features.count
                all.append(contentsOf: features.values)
                projected.append(contentsOf: sampler.project(selected))
            }
            imageRows.append(first..<next)
            progress(.extracting(done: i + 1, total: count))
        }
        let patches = PatchFeatureMatrix(count: imageRows.last?.upperBound ?? 0, dimension: dimension, values: all)
        all = []
        func bank(rows: [Int]?) -> MemoryBank {
            let keep = max(1, Int((Double(rows?.count ?? patches.count) * settings.coresetRatio).rounded()))
            return MemoryBank(features: patches.rows(sampler.select(keep, from: projected, rows: rows)))
        }
        // Without cross-fitting one fold, every holdoutEvery-th image, is held out.
        let folds = settings.crossFit
            ? (0..<holdoutEvery).map { Array(stride(from: $0, to: count, by: holdoutEvery)) }
            : [Array(stride(from: holdoutEvery - 1, to: count, by: holdoutEvery))]
        // Each held-out image's out-of-bank patch distances, by teach index.
        var heldOut: [(image: Int, distances: [Float])] = []
        for (f, fold) in folds.enumerated() {
            progress(.selectingCoreset(bank: folds.count == 1 ? "calibration" : "calibration \(f + 1) of \(folds.count)"))
            let inFold = Set(fold)
            let calibrationBank = bank(rows: imageRows.indices.filter { !inFold.contains($0) }.flatMap { Array(imageRows[$0]) })
            heldOut += try fold.map { i in
                (i, try calibrationBank.nearest(patches.rows(Array(scoredRows[i])), precision: settings.precision).distances)
            }
        }
        var heldOutScores = heldOut.map { $0.distances.max() ?? 0 }
        var fusion: ScoreFusion?
        if settings.lineEvidence != nil {
            let fitted = ScoreFusion(patchMaxima: heldOutScores, lineMaxima: lineGrids.map { $0.max() ?? 0 })
            heldOutScores = try heldOut.map { try fitted.fused(distances: $0.distances, lines: lineGrids[$0.image]).max() ?? 0 }
            fusion = fitted
        }
        progress(.selectingCoreset(bank: "production"))
        let bank = bank(rows: nil)
        let provenance = PatchCoreModel.Provenance(
            weightsSHA256: network.weightsSHA256 ?? "unknown", teachImageCount: count, heldOutImageCount: heldOutScores.count,
            teachPatchCount: patches.count, teachSource: source,
            teachSeconds: Date().timeIntervalSince(started))
        return PatchCoreModel(settings: settings, bank: bank,
                              calibration: Calibration(heldOutScores: heldOutScores, sigmas: settings.thresholdSigmas),
                              provenance: provenance, activationRanges: ranges, biasCorrections: corrections, scoreFusion: fusion)
    }

    /// `n` indices spread evenly over 0..<count.
    static func spread(_ n: Int, over count: Int) -> [Int] {
        (0..<n).map { $0 * count / n }
    }
}
