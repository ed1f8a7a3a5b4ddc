/// One tensor of a weights file, decoded: float32 values, contiguous, row-major in `shape`
/// (convolution weights are OIHW: out channels, in channels / groups, kernel height, kernel width).
public struct WeightTensor: Sendable, Equatable {
    /// The tensor's name in the file, e.g. `_blocks.3._depthwise_conv.weight`.
    public let name: String
    /// The logical shape, outermost dimension first.
    public let shape: [Int]
    /// `shape.reduce(1, *)` values, the last dimension varying fastest.
    public let values: [Float]

    /// A tensor from its parts; `values.count` must equal the product of `shape`.
    public init(name: String, shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// The number of elements.
    public var count: Int { values.count }

    /// The element at a multi-dimensional index (one coordinate per dimension, each in range).
    public func element(at index: [Int]) -> Float {
        precondition(index.count == shape.count, "\(name): index \(index) for shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "\(name): index \(index) outside shape \(shape)")
            flat = flat * extent + i
        }
        return values[flat]
    }
}
