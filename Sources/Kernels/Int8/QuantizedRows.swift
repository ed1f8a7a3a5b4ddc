import CEagleKernels

/// Feature vectors in int8, one symmetric scale per vector: row r ~ scales[r] * codes of row r.
///
/// The memory bank and the query patches of PatchCore's nearest-neighbour search. Per vector
/// rather than per dimension so that a dot product of two rows is one integer dot product times
/// one product of scales.
public struct QuantizedRows: Sendable, Equatable {
    public let count: Int
    public let dimension: Int
    /// `count` rows of `dimension` codes in -codeLimit...codeLimit.
    public let values: [Int8]
    /// The largest code magnitude: 127 for the memory bank, 63 for the queries of the search.
    public let codeLimit: Int
    /// max |row| / codeLimit per row (1 for an all-zero row).
    public let scales: [Float]
    /// ||scales[r] * codes||^2 of every row: the norm of the vector the codes stand for, so that
    /// distances computed from codes are distances between actual (dequantized) vectors and
    /// never negative in exact arithmetic.
    public let squaredNorms: [Float]

    /// Quantizes `count` float rows of `dimension` values to codes within `codeLimit` (1...127),
    /// rounding to nearest, ties away from 0 (the C kernel `eagle_quantize_rows`;
    /// ``reference(_:count:dimension:codeLimit:)`` is its twin).
    public init(_ rows: [Float], count: Int, dimension: Int, codeLimit: Int = 127) throws {
        try Self.validate(rows, count: count, dimension: dimension, codeLimit: codeLimit)
        var values = [Int8](repeating: 0, count: rows.count)
        var scales = [Float](repeating: 0, count: count), norms = [Float](repeating: 0, count: count)
        rows.withUnsafeBufferPointer { rows in
            values.withUnsafeMutableBufferPointer { values in
                scales.withUnsafeMutableBufferPointer { scales in
                    norms.withUnsafeMutableBufferPointer { norms in
                        eagle_quantize_rows(rows.baseAddress, Int32(count), Int32(dimension), Int32(codeLimit),
                                            values.baseAddress, scales.baseAddress, norms.baseAddress)
                    }
                }
            }
        }
        self.init(count: count, dimension: dimension, codeLimit: codeLimit, values: values, scales: scales, squaredNorms: norms)
    }

    init(count: Int, dimension: Int, codeLimit: Int, values: [Int8], scales: [Float], squaredNorms: [Float]) {
        self.count = count
        self.dimension = dimension
        self.codeLimit = codeLimit
        self.values = values
        self.scales = scales
        self.squaredNorms = squaredNorms
    }

    static func validate(_ rows: [Float], count: Int, dimension: Int, codeLimit: Int) throws {
        guard count >= 0, dimension >= 1, rows.count == count * dimension else {
            throw KernelError.shapeMismatch("\(rows.count) values are not \(count) rows of \(dimension)")
        }
        // The C kernel sums a row's squared codes in int32: 127^2 * 65536 < 2^31.
        guard dimension <= 65536 else {
            throw KernelError.shapeMismatch("rows of \(dimension) values; at most 65536 are supported")
        }
        guard (1...127).contains(codeLimit) else {
            throw KernelError.shapeMismatch("a code limit of \(codeLimit) is not within 1...127")
        }
    }
}
