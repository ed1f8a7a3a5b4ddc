import Foundation

/// A taught PatchCore model for one recipe: settings, memory bank, calibration and where it
/// came from. Saved and loaded by ``ModelFile``.
public struct PatchCoreModel: Sendable, Equatable {
    public var settings: PatchCoreSettings
    public var bank: MemoryBank
    public var calibration: Calibration
    public var provenance: Provenance
    /// The int8 backbone's activation ranges; present when `settings.precision` is int8.
    public var activationRanges: ActivationRanges?
    /// The int8 backbone's bias corrections; present when `settings.precision` is int8 and
    /// `settings.biasCorrection` is on.
    public var biasCorrections: BiasCorrections?
    /// How the patch distances and the line evidence add up; present when
    /// `settings.lineEvidence` is set.
    public var scoreFusion: ScoreFusion?

    /// Where a model came from, for the operator who finds it on a board a year later.
    public struct Provenance: Sendable, Equatable {
        /// "efficientnet-lite0".
        public var backbone: String
        /// sha256 of the original checkpoint the weights were converted from.
        public var weightsSHA256: String
        /// Seconds since 1970, UTC.
        public var createdAt: Double
        public var teachImageCount: Int
        public var heldOutImageCount: Int
        /// Patches before the coreset reduction.
        public var teachPatchCount: Int
        /// What the images were (a folder, a file list).
        public var teachSource: String
        /// Seconds the teaching took.
        public var teachSeconds: Double

        public init(backbone: String = "efficientnet-lite0", weightsSHA256: String, createdAt: Double = Date().timeIntervalSince1970,
                    teachImageCount: Int, heldOutImageCount: Int, teachPatchCount: Int, teachSource: String, teachSeconds: Double) {
            self.backbone = backbone
            self.weightsSHA256 = weightsSHA256
            self.createdAt = createdAt
            self.teachImageCount = teachImageCount
            self.heldOutImageCount = heldOutImageCount
            self.teachPatchCount = teachPatchCount
            self.teachSource = teachSource
            self.teachSeconds = teachSeconds
        }
    }

    public init(settings: PatchCoreSettings, bank: MemoryBank, calibration: Calibration, provenance: Provenance,
                activationRanges: ActivationRanges? = nil, biasCorrections: BiasCorrections? = nil, scoreFusion: ScoreFusion? = nil) {
        self.settings = settings
        self.bank = bank
        self.calibration = calibration
        self.provenance = provenance
        self.activationRanges = activationRanges
        self.biasCorrections = biasCorrections
        self.scoreFusion = scoreFusion
    }

    /// The backbone this model's bank was taught with, built from the fp32 `network`.
    public func backbone(_ network: EfficientNetLite0) throws -> FeatureBackbone {
        switch settings.precision {
        case .fp32:
            return .fp32(network)
        case .int8:
            guard let activationRanges else {
                throw PatchCoreError.invalidSettings("an int8 model needs activation ranges")
            }
            guard !settings.biasCorrection || biasCorrections != nil else {
                throw PatchCoreError.invalidSettings("an int8 model taught with bias correction needs its bias corrections")
            }
            let deepest = settings.taps.map(\.block).max() ?? 0
            return .int8(try QuantizedEfficientNetLite0(network: network, ranges: activationRanges, deepestBlock: deepest,
                                                        biasCorrections: settings.biasCorrection ? biasCorrections : nil))
        }
    }

    /// Bytes the bank occupies in memory (Float32).
    public var bankBytes: Int { bank.features.values.count * MemoryLayout<Float>.size }
}
