extension QuantizedRows {
    /// The plain twin of ``init(_:count:dimension:)``: the per-channel weight quantization applied
    /// to rows, and the norms summed in Int64.
    public static func reference(_ rows: [Float], count: Int, dimension: Int) throws -> QuantizedRows {
        guard count >= 0, dimension >= 1, rows.count == count * dimension else {
            throw KernelError.shapeMismatch("\(rows.count) values are not \(count) rows of \(dimension)")
        }
        guard count > 0 else { return QuantizedRows(count: 0, dimension: dimension, values: [], scales: [], squaredNorms: []) }
        let q = try QuantizedWeights(rows, outputChannels: count)
        let norms = (0..<count).map { r in
            var s: Int64 = 0
            for k in 0..<dimension { let v = Int64(q.values[r * dimension + k]); s += v * v }
            return q.scales[r] * q.scales[r] * Float(s)
        }
        return QuantizedRows(count: count, dimension: dimension, values: q.values, scales: q.scales, squaredNorms: norms)
    }
}
