import CEagleKernels

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

    /// Quantizes `count` float rows of `dimension` values, rounding to nearest, ties away from 0
    /// (the C kernel `eagle_quantize_rows`; ``reference(_:count:dimension:)`` is its twin).
    public init(_ rows: [Float], count: Int, dimension: Int) throws {
        guard count >= 0, dimension >= 1, rows.count == count * dimension else {
            throw KernelError.shapeMismatch("\(rows.count) values are not \(count) rows of \(dimension)")
        }
        var values = [Int8](repeating: 0, count: rows.count)
        var scales = [Float](repeating: 0, count: count), norms = [Float](repeating: 0, count: count)
        rows.withUnsafeBufferPointer { rows in
            values.withUnsafeMutableBufferPointer { values in
                scales.withUnsafeMutableBufferPointer { scales in
                    norms.withUnsafeMutableBufferPointer { norms in
                        eagle_quantize_rows(rows.baseAddress, Int32(count), Int32(dimension), values.baseAddress,
                                            scales.baseAddress, norms.baseAddress)
                    }
                }
            }
        }
        self.init(count: count, dimension: dimension, values: values, scales: scales, squaredNorms: norms)
    }

    init(count: Int, dimension: Int, values: [Int8], scales: [Float], squaredNorms: [Float]) {
        self.count = count
        self.dimension = dimension
        self.values = values
        self.scales = scales
        self.squaredNorms = squaredNorms
    }
}
