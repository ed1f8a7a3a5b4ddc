import CEagleKernels

/// Exact nearest-neighbour search between int8 rows: for each query the bank row at the smallest
/// Euclidean distance between the dequantized vectors.
///
/// Definition (the optimised path and the twin agree bit for bit; Float arithmetic in this order,
/// never fused into FMAs):
///
///     dot    = sum_k q[i][k] * m[j][k]                       (Int32, exact)
///     v[j]   = bankNorm[j] - (2 * qs[i]) * (bs[j] * Float(dot))
///     best   = the smallest v[j], the lowest j on ties
///     d2[i]  = max(best + queryNorm[i], 0)
///
/// |dot| <= d * 127^2 < 2^24 for d <= 1040, so Float(dot) is exact.
///
/// ``search(_:in:)`` runs the C kernel `eagle_nearest_search` on the ``InstructionSet`` in use
/// (int8 tiles of the 1x1 convolution's matrix product, the epilogue above in SIMD), split over
/// ``int8ThreadCount`` workers by queries.
public enum NearestNeighbour {
    /// Squared distance to and index of the nearest bank row, per query.
    public static func search(_ queries: QuantizedRows, in bank: QuantizedRows) -> (squaredDistances: [Float], indices: [Int32]) {
        precondition(queries.dimension == bank.dimension, "queries of dimension \(queries.dimension) against a bank of \(bank.dimension)")
        let count = queries.count
        guard count > 0 else { return ([], []) }
        var distances = [Float](repeating: 0, count: count), indices = [Int32](repeating: 0, count: count)
        distances.withUnsafeMutableBufferPointer { distances in
            indices.withUnsafeMutableBufferPointer { indices in
                eagle_nearest_search(InstructionSet.current.cValue, queries.values, queries.scales, queries.squaredNorms,
                                     Int32(count), bank.values, bank.scales, bank.squaredNorms, Int32(bank.count),
                                     Int32(bank.dimension), distances.baseAddress, indices.baseAddress,
                                     Int32(clamping: int8ThreadCount))
            }
        }
        return (distances, indices)
    }
}
