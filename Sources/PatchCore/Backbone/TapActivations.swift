import Kernels

/// The backbone's activations at the model's taps, finest first, as its precision leaves them:
/// the int8 network's stay codes, so the patch features are computed from the codes.
public enum TapActivations: Sendable {
    case fp32([Tensor3])
    case int8([QuantizedTensor])

    /// As Float CHW tensors (the int8 codes dequantised).
    public var tensors: [Tensor3] {
        switch self {
        case .fp32(let maps): maps
        case .int8(let maps): maps.map { $0.dequantized() }
        }
    }
}
