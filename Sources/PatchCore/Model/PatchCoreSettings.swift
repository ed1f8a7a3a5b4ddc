import Imaging

/// What a PatchCore model is made of, fixed at teach time and stored in the model file.
public struct PatchCoreSettings: Sendable, Equatable {
    /// Backbone activations used as features, finest first.
    public var taps: [FeatureTap]
    /// How a frame (or its ROI) becomes the backbone's input.
    public enum Fit: Sendable, Equatable {
        /// Shorter side scaled to `resize`, then a centred input-sized crop: the MVTec AD protocol.
        case centerCrop(resize: Int)
        /// Scaled to the input size, aspect ratio not kept: for long parts (KolektorSDD's
        /// commutators) where a crop would cut defects away.
        case stretch
    }

    public var fit: Fit
    /// Width of the backbone's input in pixels.
    public var inputWidth: Int
    /// Height of the backbone's input in pixels.
    public var inputHeight: Int
    public var resizeFilter: ResizeFilter
    /// Patch feature channels after adaptive pooling; nil keeps all tap channels.
    public var featureDimension: Int?
    /// Channels each tap is pooled to before concatenation (the paper's per-layer
    /// "pretrain_embed_dimension"), so that a deep tap with many channels does not outweigh a
    /// fine one in the distances; nil keeps every tap's channels.
    public var tapDimension: Int?
    /// Fraction of teach patches kept in the memory bank.
    public var coresetRatio: Double
    /// Dimensions of the coreset's random projection.
    public var projectionDimension: Int
    /// Seed of the coreset selection (reproducible teaching).
    public var seed: UInt64
    /// Gaussian sigma of the anomaly map in input pixels (4 at 224 in the paper).
    public var blurSigma: Float
    /// The paper's image-score re-weighting by the density around the nearest bank patch (eq. 7).
    public var reweighting: Bool
    /// Neighbours used by the re-weighting.
    public var reweightingNeighbours: Int
    /// Threshold = mean + k * std of held-out good image scores.
    public var thresholdSigmas: Double
    /// Share of teach images held out for calibration.
    public var holdoutShare: Double
    /// Cross-fitted calibration: the teach images are split into 1 / holdoutShare folds and each
    /// fold is scored against a bank of the others, so every teach image gives an out-of-bank
    /// score (instead of the one held-out share). Costs a coreset selection per fold.
    public var crossFit: Bool
    /// The backbone's arithmetic; the bank holds features computed in it.
    public var precision: Precision
    /// Teach images (spread over the set) whose fp32 activations set the int8 ranges.
    public var quantizationImages: Int
    /// How those ranges are estimated.
    public var rangeEstimator: RangeEstimator
    /// Whether teaching measures ``BiasCorrections`` for the int8 backbone on the same images
    /// (``BiasCorrector``) and the model stores them.
    public var biasCorrection: Bool
    /// int8 only: choose the coreset (both banks) on the fp32 features of the teach patches, and
    /// keep the int8 features of the chosen ones: the bank then holds the patches the fp32
    /// reference would hold. Costs an fp32 backbone pass per teach image.
    public var referenceCoreset: Bool
    /// Teach-time augmentation for parts that come in any orientation: each teach image also
    /// gives the patches of these re-orientations to the bank (quarter turns need a square
    /// input). Out-of-bank calibration keeps an image and its re-orientations in one fold.
    public var augment: [Orientation]
    /// Background flattening before the backbone (``Image/flattened(sigma:loop:)``): the sigma
    /// in input pixels of the background removed from every input, teach and inspect alike;
    /// nil leaves the input as it is. For parts whose lighting or shading varies while the
    /// defects are fine lines or spots.
    public var flattenSigma: Float?
    /// Thin dark lines measured on the frame at its own resolution and added to the patch
    /// distances (``LineEvidence``, ``ScoreFusion``); nil scores the patch distances alone.
    public var lineEvidence: LineEvidence?

    public init(taps: [FeatureTap] = [FeatureTap(block: 3), FeatureTap(block: 4), FeatureTap(block: 10)], fit: Fit = .centerCrop(resize: 256),
                inputWidth: Int = 224, inputHeight: Int = 224,
                resizeFilter: ResizeFilter = .bilinear, featureDimension: Int? = nil, tapDimension: Int? = 64, coresetRatio: Double = 0.01,
                projectionDimension: Int = 128, seed: UInt64 = 0, blurSigma: Float = 4, reweighting: Bool = false,
                reweightingNeighbours: Int = 3, thresholdSigmas: Double = 3, holdoutShare: Double = 0.2, crossFit: Bool = true,
                precision: Precision = .int8, quantizationImages: Int = 32, rangeEstimator: RangeEstimator = .minMax,
                biasCorrection: Bool = true, referenceCoreset: Bool = true, augment: [Orientation] = [],
                flattenSigma: Float? = nil, lineEvidence: LineEvidence? = nil) {
        self.taps = taps
        self.fit = fit
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.resizeFilter = resizeFilter
        self.featureDimension = featureDimension
        self.tapDimension = tapDimension
        self.coresetRatio = coresetRatio
        self.projectionDimension = projectionDimension
        self.seed = seed
        self.blurSigma = blurSigma
        self.reweighting = reweighting
        self.reweightingNeighbours = reweightingNeighbours
        self.thresholdSigmas = thresholdSigmas
        self.holdoutShare = holdoutShare
        self.crossFit = crossFit
        self.precision = precision
        self.quantizationImages = quantizationImages
        self.rangeEstimator = rangeEstimator
        self.biasCorrection = biasCorrection
        self.referenceCoreset = referenceCoreset
        self.augment = augment
        self.flattenSigma = flattenSigma
        self.lineEvidence = lineEvidence
    }

    /// Checks ranges; the message names the setting.
    public func validate() throws {
        func fail(_ message: String) -> PatchCoreError { .invalidSettings(message) }
        guard !taps.isEmpty else { throw fail("at least one feature tap is needed") }
        guard let finest = taps.map(\.stride).min(), taps[0].stride == finest else {
            throw fail("the first tap must be the finest (smallest stride): \(taps)")
        }
        guard inputWidth >= 32, inputHeight >= 32 else { throw fail("the input must be at least 32x32, got \(inputWidth)x\(inputHeight)") }
        if case .centerCrop(let resize) = fit, resize < max(inputWidth, inputHeight) {
            throw fail("resize \(resize) is smaller than the \(inputWidth)x\(inputHeight) crop")
        }
        guard coresetRatio > 0, coresetRatio <= 1 else { throw fail("coreset ratio \(coresetRatio) must be in (0, 1]") }
        guard projectionDimension > 0, projectionDimension % 16 == 0 else { throw fail("projection dimension must be a multiple of 16") }
        guard quantizationImages >= 1 else { throw fail("at least one image is needed to calibrate the int8 ranges") }
        guard holdoutShare > 0, holdoutShare < 1 else { throw fail("hold-out share \(holdoutShare) must be in (0, 1)") }
        if let t = tapDimension, t < 1 { throw fail("tap dimension \(t) must be at least 1") }
        if let d = featureDimension, d < 1 || d > concatenatedDimension {
            throw fail("feature dimension \(d) must be in 1...\(concatenatedDimension)")
        }
        if let turn = augment.first(where: \.swapsAxes), inputWidth != inputHeight {
            throw fail("augmentation \(turn.rawValue) turns the \(inputWidth)x\(inputHeight) input on its side: quarter turns need a square input")
        }
        if let sigma = flattenSigma, !(sigma > 0 && sigma <= 64) {
            throw fail("flattening sigma \(sigma) must be in (0, 64] input pixels")
        }
        if let lines = lineEvidence {
            if let problem = lines.problem() { throw fail(problem) }
            guard fit == .stretch else { throw fail("line evidence needs the stretch fit, so that each patch covers a known part of the frame") }
            guard !reweighting else { throw fail("line evidence and re-weighting do not go together: the fused score is not a distance") }
        }
        guard Set(augment).count == augment.count else { throw fail("augmentation lists an orientation twice: \(augment.map(\.rawValue))") }
    }
}

extension PatchCoreSettings {
    /// Channels of the concatenated taps (each pooled to ``tapDimension`` when set).
    public var concatenatedDimension: Int {
        taps.reduce(0) { $0 + min($1.channels, tapDimension ?? Int.max) }
    }

    /// Channels of one patch feature, the bank's row length.
    public var patchDimension: Int { featureDimension ?? concatenatedDimension }

    /// The aggregator these settings describe.
    var aggregator: PatchFeatureAggregator {
        PatchFeatureAggregator(targetDimension: featureDimension, tapDimension: tapDimension)
    }
}

extension PatchCoreSettings.Fit {
    /// "crop256" or "stretch", as the model file and the CLI write it.
    public var storedName: String {
        switch self {
        case .centerCrop(let resize): return "crop\(resize)"
        case .stretch: return "stretch"
        }
    }

    public init?(storedName: String) {
        if storedName == "stretch" {
            self = .stretch
        } else if storedName.hasPrefix("crop"), let resize = Int(storedName.dropFirst(4)), resize > 0 {
            self = .centerCrop(resize: resize)
        } else {
            return nil
        }
    }
}
