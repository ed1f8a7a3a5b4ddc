import Foundation
import Imaging
import Kernels

/// Runs a taught model on images: backbone features, nearest neighbours in the bank, image
/// score and anomaly map. Stateless apart from the loaded network and model; safe to share.
public struct PatchCoreExpert: Sendable {
    public let network: EfficientNetLite0
    public let model: PatchCoreModel
    /// The network at the model's precision.
    public let backbone: FeatureBackbone
    let aggregator: PatchFeatureAggregator

    public init(network: EfficientNetLite0, model: PatchCoreModel) throws {
        try model.settings.validate()
        if let sha = network.weightsSHA256, sha != model.provenance.weightsSHA256 {
            throw PatchCoreError.inputMismatch("the model was taught with weights \(model.provenance.weightsSHA256.prefix(12)), these are \(sha.prefix(12))")
        }
        self.network = network
        self.model = model
        self.backbone = try model.backbone(network)
        self.aggregator = model.settings.aggregator
        let expected = model.settings.patchDimension
        guard expected == model.bank.dimension else {
            throw PatchCoreError.inputMismatch("bank dimension \(model.bank.dimension) does not match the settings (\(expected))")
        }
        guard (model.settings.lineEvidence == nil) == (model.scoreFusion == nil) else {
            throw PatchCoreError.invalidSettings("a model with line evidence needs its score fusion, and only such a model has one")
        }
    }

    /// The image the backbone sees, as ``PatchCoreSettings/fit`` says (resampled in bands of rows
    /// through `loop` when one is given, with the same pixels).
    public static func preprocess<L>(_ image: Image<L>, settings: PatchCoreSettings, filter: ResizeFilter? = nil,
                                     loop: ConcurrentLoop? = nil) throws -> Image<L> {
        let filter = filter ?? settings.resizeFilter
        switch settings.fit {
        case .centerCrop(let resize):
            return try image.resizedShorterSide(to: resize, centerCroppedTo: settings.inputWidth, settings.inputHeight,
                                                filter: filter, loop: loop)
        case .stretch:
            let whole = Rect(x: 0, y: 0, width: settings.inputWidth, height: settings.inputHeight)
            return try image.resized(width: settings.inputWidth, height: settings.inputHeight, filter: filter, keeping: whole, loop: loop)
        }
    }

    /// ``preprocess(_:settings:filter:loop:)`` with this expert's settings and threads.
    public func preprocess<L>(_ image: Image<L>) throws -> Image<L> {
        try Self.preprocess(image, settings: model.settings, loop: workerLoop)
    }

    /// What the backbone sees of a preprocessed crop: the crop, or its flattened copy when the
    /// model flattens (``PatchCoreSettings/flattenSigma``). The crop itself stays what the
    /// anomaly map and the suspect boxes are drawn on.
    public static func networkInput(_ crop: RGBImage, settings: PatchCoreSettings, loop: ConcurrentLoop? = nil) -> RGBImage {
        settings.flattenSigma.map { crop.flattened(sigma: $0, loop: loop) } ?? crop
    }

    /// Patch features of a crop already made the network's input (``networkInput(_:settings:loop:)``).
    static func features(of input: RGBImage, backbone: FeatureBackbone, settings: PatchCoreSettings,
                         aggregator: PatchFeatureAggregator) throws -> (PatchFeatureMatrix, Int, Int) {
        let maps = try backbone.activations(of: input, taps: settings.taps)
        let (features, w, h) = try aggregator.aggregate(maps)
        return (features, w, h)
    }

    /// Scores one image (any size; it is resized and cropped as the model was taught).
    public func inspect(_ image: RGBImage) throws -> AnomalyResult {
        try inspect(crop: try preprocess(image), lines: lineContrast(of: image))
    }

    /// Scores an already preprocessed crop: the stages below, in order. `lines` is the
    /// ``lineContrast(of:)`` of the frame the crop was made from, when the model uses line
    /// evidence.
    public func inspect(crop: RGBImage, lines: FloatPlane? = nil) throws -> AnomalyResult {
        let features = try patchFeatures(taps: tapFeatures(of: crop))
        return try result(crop: crop, features: features, nearest: search(features.matrix), lines: lines)
    }

    /// The line evidence's contrast of a frame (the region inspected, before any scaling), when
    /// the model uses it (``PatchCoreSettings/lineEvidence``); nil otherwise. Part of the
    /// preprocessing: it needs the frame, not the crop.
    public func lineContrast(of frame: RGBImage) -> FloatPlane? {
        model.settings.lineEvidence?.contrast(of: frame, loop: workerLoop)
    }

    // MARK: Stages (``ExpertStageTimer`` times each)

    /// Stage 1, the backbone: the activations at the model's taps (of the flattened crop when
    /// the model flattens).
    public func tapFeatures(of crop: RGBImage) throws -> TapActivations {
        try backbone.activations(of: Self.networkInput(crop, settings: model.settings, loop: workerLoop), taps: model.settings.taps)
    }

    /// Stage 2: PatchCore's locally aware patch features on the finest tap's grid.
    public func patchFeatures(taps: TapActivations) throws -> (matrix: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        let (features, w, h) = try aggregator.aggregate(taps, loop: workerLoop)
        return (features, w, h)
    }

    /// The patch features of an already preprocessed crop (for parity measurements).
    public func patchFeatures(of crop: RGBImage) throws -> PatchFeatureMatrix {
        try patchFeatures(taps: tapFeatures(of: crop)).matrix
    }

    /// Stage 3: distance of each patch to its nearest bank patch, in the model's precision.
    public func search(_ features: PatchFeatureMatrix) throws -> (distances: [Float], indices: [Int]) {
        try model.bank.nearest(features, precision: model.settings.precision)
    }

    /// Stage 4: image score (max patch score, optionally re-weighted), normalised score, and
    /// the anomaly map (patch scores upsampled to the crop and blurred). A patch's score is its
    /// distance, or with line evidence its distance fused with the line contrast (`lines`, see
    /// ``lineContrast(of:)``) pooled to its patch (``ScoreFusion``).
    public func result(crop: RGBImage, features: (matrix: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int),
                       nearest: (distances: [Float], indices: [Int]), lines: FloatPlane? = nil) throws -> AnomalyResult {
        let settings = model.settings
        var values = nearest.distances
        if let fusion = model.scoreFusion {
            guard let lines else {
                throw PatchCoreError.inputMismatch("the model scores line evidence, and no line contrast of the frame was given")
            }
            let pooled = try lines.maxPooled(width: features.gridWidth, height: features.gridHeight)
            values = try fusion.fused(distances: values, lines: pooled.values)
        }
        let patchScores = try FloatPlane(width: features.gridWidth, height: features.gridHeight, values: values)
        var score = Double(values.max() ?? 0)
        if settings.reweighting, let worst = nearest.distances.indices.max(by: { nearest.distances[$0] < nearest.distances[$1] }) {
            score *= reweight(distance: nearest.distances[worst], bankRow: nearest.indices[worst], features: features.matrix, patch: worst)
        }
        let map = try patchScores.resizedBilinear(width: settings.inputWidth, height: settings.inputHeight)
            .gaussianBlurred(sigma: settings.blurSigma, loop: workerLoop)
        return AnomalyResult(score: score, normalizedScore: model.calibration.normalized(score),
                             patchScores: patchScores, anomalyMap: map, input: crop)
    }

    /// The int8 expert resizes its input and blurs its map on the int8 kernels' threads. The fp32
    /// one keeps the calling thread: OpenBLAS's threads still spin after its matrix products and
    /// would compete with the pool's helpers for the same cores, as they did for the int8 model's
    /// kernels when `bench` once alternated the two models frame by frame.
    private var workerLoop: ConcurrentLoop? {
        guard model.settings.precision == .int8, int8ThreadCount > 1 else { return nil }
        return { count, body in Parallel.forEach(count, workers: int8ThreadCount, body) }
    }

    /// Roth et al. eq. 7: w = 1 - exp(||q - m*||) / sum over m* and its b nearest bank
    /// neighbours N of exp(||q - m||). A test patch whose nearest bank patch sits in a sparse
    /// region of the bank weighs more. Exponents are shifted by the smallest distance so large
    /// feature distances cannot overflow.
    func reweight(distance: Float, bankRow: Int, features: PatchFeatureMatrix, patch: Int) -> Double {
        let bank = model.bank
        let d = features.dimension
        let toBank = bank.distances(from: features.values[(patch * d)..<((patch + 1) * d)])
        let neighbourhood = [bankRow] + bank.neighbours(ofBankRow: bankRow, k: model.settings.reweightingNeighbours)
        let distances = neighbourhood.map { Double(toBank[$0]) }
        let shift = distances.min() ?? 0
        let total = distances.reduce(0) { $0 + exp($1 - shift) }
        return 1 - exp(Double(distance) - shift) / total
    }
}
