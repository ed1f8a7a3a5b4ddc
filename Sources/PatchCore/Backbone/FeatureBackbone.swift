import Imaging
import Kernels

/// The arithmetic the backbone runs in, fixed when a model is taught (its bank holds features of
/// that precision) and stored in the model file.
/// The one definition: the configuration's `expert.precision` and the CLI's `--precision` use it.
public enum Precision: String, Sendable, CaseIterable, Equatable {
    /// int8 weights and activations, int32 accumulators: the appliance's default (NEON sdot on
    /// the board, AVX2 on x86-64).
    case int8
    /// Float32 with OpenBLAS: the reference the int8 path is measured against, slower.
    case fp32
}

/// The network that turns a preprocessed crop into PatchCore's feature taps, in one precision.
public enum FeatureBackbone: Sendable {
    case fp32(EfficientNetLite0)
    case int8(QuantizedEfficientNetLite0)

    public var precision: Precision {
        switch self {
        case .fp32: .fp32
        case .int8: .int8
        }
    }

    /// The activations at `taps`, finest first.
    public func activations(of crop: RGBImage, taps: [FeatureTap]) throws -> TapActivations {
        switch self {
        case .fp32(let network): .fp32(network.features(BackboneInput.tensor(from: crop), taps: taps))
        case .int8(let network): .int8(try network.quantizedFeatures(crop, taps: taps))
        }
    }
}
