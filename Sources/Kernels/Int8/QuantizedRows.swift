/// Feature vectors in int8, one symmetric scale per vector: row r ~ scales[r] * codes of row r.
///
/// The memory bank and the query patches of PatchCore's nearest-neighbour search. Per vector
/// rather than per dimension so that a dot product of two rows is one integer dot product times
/// one product of scales.
public struct QuantizedRows: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    /// `count` rows of `dimension` codes in -127...127.
    public let values: [Int8]
    /// max |row| / 127 per row (1 for an all-zero row).
    public let scales: [Float]
    /// ||scales[r] * codes||^2 of every row: the norm of the vector the codes stand for, so that
    /// distances computed from codes are distances between actual (dequantized) vectors and
    /// never negative in exact arithmetic.
    public let squaredNorms: [Float]

    /// Quantizes `count` float rows of `dimension` values, rounding to nearest, ties away from 0.
    public init(_ rows: [Float], count: Int, dimension: Int) throws {
        guard count >= 0, dimension >= 1, rows.count == count * dimension else {
            throw KernelError.shapeMismatch("\(rows.count) values are not \(count) rows of \(dimension)")
        }
        let q = try count == 0 ? nil : QuantizedWeights(rows, outputChannels: count)
        self.count = count
        self.dimension = dimension
        values = q?.values ?? []
        scales = q?.scales ?? []
        squaredNorms = (0..<count).map { r in
            var s: Int64 = 0
            for k in 0..<dimension { let v = Int64(q?.values[r * dimension + k] ?? 0); s += v * v }
            let scale = q?.scales[r] ?? 1
            return scale * scale * Float(s)
        }
    }
}
