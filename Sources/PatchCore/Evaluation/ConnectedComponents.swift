/// The 8-connected regions of a binary mask: what the MVTec AD PRO metric treats as separate
/// defects (its reference code labels with a 3x3 structuring element of ones).
public struct ConnectedComponents: Sendable, Equatable {
    /// Mask width.
    public let width: Int
    /// Mask height.
    public let height: Int
    /// Row-major, one per pixel: 0 for background, else the component number 1...count. Numbers
    /// follow the raster order of each component's first pixel.
    public let labels: [UInt32]
    /// Pixels in each component; `sizes[k - 1]` belongs to label `k`.
    public let sizes: [Int]

    /// Number of components.
    public var count: Int { sizes.count }

    /// Labels the nonzero pixels of a row-major mask in O(width * height).
    /// - Throws: `MetricsError.sizeMismatch` unless `mask.count == width * height`.
    public init(mask: [UInt8], width: Int, height: Int) throws(MetricsError) {
        guard width >= 0, height >= 0, mask.count == width * height else {
            throw .sizeMismatch(what: "mask", width: width, height: height, values: mask.count)
        }
        var labels = [UInt32](repeating: 0, count: mask.count)
        var sizes: [Int] = []
        // Flood fill with an explicit stack: recursion would overflow on a large defect, and
        // one pass needs no union-find relabelling.
        var stack: [Int] = []
        for start in mask.indices where mask[start] != 0 && labels[start] == 0 {
            let label = UInt32(sizes.count + 1)
            labels[start] = label
            stack.append(start)
            var size = 0
            while let pixel = stack.popLast() {
                size += 1
                let x = pixel % width, y = pixel / width
                for ny in max(0, y - 1)...min(height - 1, y + 1) {
                    for nx in max(0, x - 1)...min(width - 1, x + 1) {
                        let neighbour = ny * width + nx
                        if mask[neighbour] != 0, labels[neighbour] == 0 {
                            labels[neighbour] = label
                            stack.append(neighbour)
                        }
                    }
                }
            }
            sizes.append(size)
        }
        self.width = width
        self.height = height
        self.labels = labels
        self.sizes = sizes
    }
}
