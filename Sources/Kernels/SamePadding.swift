/// TensorFlow's "same" padding along one axis, which EfficientNet-Lite's weights were trained with.
///
/// The output has ceil(size / stride) positions. The padding needed for the last window is
/// max((output - 1) * stride + kernel - size, 0); the smaller half goes before (top or left) and
/// the odd element after, unlike PyTorch's symmetric padding: for size 4, kernel 3, stride 2
/// that is 0 before and 1 after.
public struct SamePadding: Sendable, Equatable {
    /// Zeros virtually added before the first input element.
    public let before: Int
    /// Zeros virtually added after the last input element.
    public let after: Int
    /// Output positions: ceil(size / stride).
    public let outputSize: Int

    /// The padding for an input of `size` elements under a window of `kernel` moved by `stride`.
    public init(size: Int, kernel: Int, stride: Int) {
        precondition(size >= 0 && kernel >= 1 && stride >= 1, "same padding needs size >= 0, kernel >= 1, stride >= 1")
        outputSize = (size + stride - 1) / stride
        let total = Swift.max((outputSize - 1) * stride + kernel - size, 0)
        before = total / 2
        after = total - before
    }
}
