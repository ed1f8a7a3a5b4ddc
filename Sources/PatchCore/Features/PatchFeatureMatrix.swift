/// Patch features of one or more images: `count` rows of `dimension` Floats, row-major. Row
/// `y * gridWidth + x` of an image is the patch at grid position (x, y).
public struct PatchFeatureMatrix: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    public var values: [Float]

    public init(count: Int, dimension: Int, values: [Float]) {
        precondition(values.count == count * dimension, "feature matrix \(count)x\(dimension) got \(values.count) values")
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// Rows of several matrices of the same dimension, stacked.
    public init(stacking parts: [PatchFeatureMatrix]) {
        let dimension = parts.first?.dimension ?? 0
        precondition(parts.allSatisfy { $0.dimension == dimension }, "stacked feature matrices differ in dimension")
        var values: [Float] = []
        values.reserveCapacity(parts.reduce(0) { $0 + $1.values.count })
        for part in parts { values.append(contentsOf: part.values) }
        self.init(count: parts.reduce(0) { $0 + $1.count }, dimension: dimension, values: values)
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> PatchFeatureMatrix {
        var out = [Float](repeating: 0, count: indices.count * dimension)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (r, i) in indices.enumerated() {
                    for d in 0..<dimension { dst[r * dimension + d] = src[i * dimension + d] }
                }
            }
        }
        return PatchFeatureMatrix(count: indices.count, dimension: dimension, values: out)
    }
}
