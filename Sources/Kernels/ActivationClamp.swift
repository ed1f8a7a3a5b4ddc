/// The activation a kernel applies in its epilogue, while the output is still in cache.
public enum ActivationClamp: Sendable, Equatable, CaseIterable {
    /// Linear: EfficientNet's projection convolutions and the classifier.
    case none
    /// min(max(x, 0), 6), EfficientNet-Lite's only non-linearity.
    case relu6

    /// The activation of one value.
    @inlinable
    public func apply(_ x: Float) -> Float {
        switch self {
        case .none: x
        case .relu6: Swift.min(Swift.max(x, 0), 6)
        }
    }

    /// Applies the activation in place to `count` values at `start`.
    func apply(to start: UnsafeMutablePointer<Float>, count: Int) {
        // One loop per case: a switch inside the loop would keep the vectoriser out.
        switch self {
        case .none:
            break
        case .relu6:
            for i in 0..<count { start[i] = Swift.min(Swift.max(start[i], 0), 6) }
        }
    }

    /// Adds `bias` to `count` values at `start`, applies the activation, then adds `residual`
    /// (when given) after it: EfficientNet adds its skip after the linear projection.
    func addBiasAndApply(
        _ bias: Float, to start: UnsafeMutablePointer<Float>, count: Int, residual: UnsafePointer<Float>? = nil
    ) {
        switch (self, residual) {
        case (.none, nil):
            for i in 0..<count { start[i] += bias }
        case (.relu6, nil):
            for i in 0..<count { start[i] = Swift.min(Swift.max(start[i] + bias, 0), 6) }
        case (.none, let skip?):
            for i in 0..<count { start[i] += bias + skip[i] }
        case (.relu6, let skip?):
            for i in 0..<count { start[i] = Swift.min(Swift.max(start[i] + bias, 0), 6) + skip[i] }
        }
    }
}
