import Kernels

extension PatchFeatureAggregator {
    /// The plain twin of ``aggregate(_:)``: one position at a time, gathering its channels from
    /// every plane, pooling per tap, then overall; the same Float operations in the same order.
    public func aggregateReference(_ taps: [Tensor3]) throws -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        let grid = try gridPlanes(taps, localMean: localMeanReference)
        let (tapBins, bins) = try channelBins(grid.planes.map(\.channels))
        let positions = grid.width * grid.height
        var gathered: [Float] = []
        var out = [Float](repeating: 0, count: positions * bins.count)
        for p in 0..<positions {
            gathered.removeAll(keepingCapacity: true)
            for plane in grid.planes {
                for c in 0..<plane.channels { gathered.append(plane.values[c * positions + p]) }
            }
            let concatenated = tapBins.map { bin in bin.reduce(Float(0)) { $0 + gathered[$1] } / Float(bin.count) }
            for (d, bin) in bins.enumerated() {
                out[p * bins.count + d] = bin.reduce(Float(0)) { $0 + concatenated[$1] } / Float(bin.count)
            }
        }
        return (PatchFeatureMatrix(count: positions, dimension: bins.count, values: out), grid.width, grid.height)
    }

    /// The plain twin of ``aggregate(_:)-(QuantizedTensor)``: each tap's columns by
    /// ``QuantizedTapColumns/writeReference(_:into:rowStride:column:)``.
    public func aggregateReference(_ taps: [QuantizedTensor]) throws -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        try aggregateQuantized(taps) { columns, tap, rows, stride, column in
            columns.writeReference(tap, into: rows, rowStride: stride, column: column)
        }
    }

    /// The plain twin of ``localMean(_:)``: separable box sums, rows then columns.
    public func localMeanReference(_ input: Tensor3) -> Tensor3 {
        guard neighbourhood > 1 else { return input }
        let r = neighbourhood / 2, h = input.height, w = input.width
        let scale = 1 / Float(neighbourhood * neighbourhood)
        var out = Tensor3(channels: input.channels, height: h, width: w)
        var rowSums = [Float](repeating: 0, count: h * w)
        for c in 0..<input.channels {
            let base = c * h * w
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for dx in max(0, x - r)...min(w - 1, x + r) { s += input.values[base + y * w + dx] }
                    rowSums[y * w + x] = s
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for dy in max(0, y - r)...min(h - 1, y + r) { s += rowSums[dy * w + x] }
                    out.values[base + y * w + x] = s * scale
                }
            }
        }
        return out
    }
}
