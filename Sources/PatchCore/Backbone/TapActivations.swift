import Kernels

/// The backbone's activations at the model's taps, finest first, as its precision leaves them:
/// the int8 network's stay codes, so the patch features are computed from the codes.
public enum TapActivations: Sendable {
    case fp32([Tensor3])
    case int8([QuantizedTensor])
}
