extension NearestNeighbour {
    /// The plain twin of ``search(_:in:)``: every pair, one dot product at a time.
    public static func searchReference(_ queries: QuantizedRows, in bank: QuantizedRows) -> (squaredDistances: [Float], indices: [Int32]) {
        let d = queries.dimension
        var distances: [Float] = [], indices: [Int32] = []
        distances.reserveCapacity(queries.count)
        indices.reserveCapacity(queries.count)
        for i in 0..<queries.count {
            let twice = 2 * queries.scales[i]
            var best = Float.infinity, bestIndex: Int32 = 0
            for j in 0..<bank.count {
                var dot: Int32 = 0
                for k in 0..<d { dot += Int32(queries.values[i * d + k]) * Int32(bank.values[j * d + k]) }
                let v = bank.squaredNorms[j] - twice * (bank.scales[j] * Float(dot))
                if v < best { best = v; bestIndex = Int32(j) }
            }
            distances.append(Swift.max(best + queries.squaredNorms[i], 0))
            indices.append(bestIndex)
        }
        return (distances, indices)
    }
}
