/// Per-channel additions to the int8 backbone's convolution biases, in accumulator units (the
/// layer's input scale x the channel's weight scale), measured at teach time by
/// ``BiasCorrector`` and stored in the model file.
///
/// Layers are named like the activations they write (``ActivationRanges``): `stem`,
/// `blockN.expand`, `blockN.depthwise`, `blockN.project`. A layer without an entry keeps its
/// bias. The int8 weights and scales are re-derived from the fp32 weights at load, exactly as at
/// teach time, so the units stay those the corrections were measured in.
public struct BiasCorrections: Sendable, Equatable {
    /// Largest |correction| kept, 2^22: like the bias itself (see ``Kernels/QuantizedWeights``),
    /// a corrected bias leaves the accumulator most of its int32 headroom for the products.
    public static let limit: Int32 = 1 << 22

    /// Layers in network order.
    public private(set) var layers: [String]
    /// One array per layer, one value per output channel.
    public private(set) var values: [[Int32]]

    /// Corrections from stored columns; throws when the lists differ in length, a layer repeats
    /// or a value exceeds ``limit``.
    public init(layers: [String], values: [[Int32]]) throws {
        guard layers.count == values.count, Set(layers).count == layers.count,
              values.allSatisfy({ $0.allSatisfy { abs($0) <= Self.limit } }) else {
            throw PatchCoreError.invalidSettings("bias corrections: \(layers.count) layers for \(values.count) value lists, a repeated layer, or a value beyond 2^22")
        }
        self.layers = layers
        self.values = values
    }

    /// The correction of `layer`, nil when it has none.
    public func correction(_ layer: String) -> [Int32]? {
        layers.firstIndex(of: layer).map { values[$0] }
    }
}
