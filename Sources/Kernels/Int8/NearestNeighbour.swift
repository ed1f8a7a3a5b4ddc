import CEagleKernels

/// Exact nearest-neighbour search between int8 rows: for each query the bank row at the smallest
/// Euclidean distance between the dequantized vectors. Bank rows use codes -127...127, queries
/// -31...31 (``queryCodeLimit``): a query's 6-bit codes let the x86-64 kernel multiply unsigned
/// by signed bytes and add two such pair sums in 16 bits without ever saturating (see nearest.c):
/// three multiply instructions per 8 codes where 7-bit codes needed four.
///
/// Definition (the optimised path and the twin agree bit for bit; Float arithmetic in this order,
/// never fused into FMAs):
///
///     dot    = sum_k q[i][k] * m[j][k]                       (Int32, exact)
///     v[j]   = bankNorm[j] - (2 * qs[i]) * (bs[j] * Float(dot))
///     best   = the smallest v[j], the lowest j on ties
///     d2[i]  = max(best + queryNorm[i], 0)
///
/// |dot| <= d * 31 * 127 < 2^24 for d <= 1040, so Float(dot) is exact.
///
/// ``search(_:in:)`` runs the C kernel `eagle_nearest_search_packed` on the ``InstructionSet``
/// in use (int8 tiles of the 1x1 convolution's matrix product, the epilogue above in SIMD), split
/// over ``int8ThreadCount`` workers by queries. With AVX2 or NEON a bank of 64 or more dimensions
/// is first screened on a third of them: a Cauchy-Schwarz lower bound rules out the rows that
/// cannot be nearest, and only the others are scored by the definition, so the result stays bit
/// for bit.
public enum NearestNeighbour {
    /// The largest query code.
    public static let queryCodeLimit = 31

    /// Query rows quantized for ``search(_:in:)``: one scale per row, codes within ``queryCodeLimit``.
    public static func queries(_ rows: [Float], count: Int, dimension: Int) throws -> QuantizedRows {
        try QuantizedRows(rows, count: count, dimension: dimension, codeLimit: queryCodeLimit)
    }

    /// A bank in the layout of the search kernel of the CPU's instruction set, packed once (the
    /// memory bank keeps one next to its rows, so no frame pays for the packing).
    public struct PackedBank: Sendable, Equatable {
        public let rows: QuantizedRows
        /// The instruction set `packed` is laid out for.
        public let instructionSet: InstructionSet
        let packed: [UInt8]

        /// Packs `rows` for `instructionSet` (by default the one in use now).
        public init(_ rows: QuantizedRows, for instructionSet: InstructionSet = .current) {
            self.rows = rows
            self.instructionSet = instructionSet
            let isa = instructionSet.cValue, count = Int32(rows.count), d = Int32(rows.dimension)
            var packed = [UInt8](repeating: 0, count: eagle_nearest_packed_size(isa, count, d))
            packed.withUnsafeMutableBytes { packed in
                eagle_nearest_pack(isa, rows.values, rows.scales, rows.squaredNorms, count, d, packed.baseAddress)
            }
            self.packed = packed
        }
    }

    /// Squared distance to and index of the nearest bank row, per query (quantized by ``queries(_:count:dimension:)``).
    public static func search(_ queries: QuantizedRows, in bank: QuantizedRows) -> (squaredDistances: [Float], indices: [Int32]) {
        search(queries, in: PackedBank(bank))
    }

    /// The same against a packed bank; a bank packed for another instruction set than the one in
    /// use (tests force the portable path) is packed again for this call.
    public static func search(_ queries: QuantizedRows, in bank: PackedBank) -> (squaredDistances: [Float], indices: [Int32]) {
        let found = searchCountingScores(queries, in: bank)
        return (found.squaredDistances, found.indices)
    }

    /// ``search(_:in:)``, and how many (query, bank row) pairs it scored in full: all of them,
    /// unless the AVX2 or NEON kernel's screen ruled rows out (see nearest.c).
    static func searchCountingScores(_ queries: QuantizedRows, in bank: PackedBank)
        -> (squaredDistances: [Float], indices: [Int32], scored: Int) {
        precondition(queries.dimension == bank.rows.dimension,
                     "queries of dimension \(queries.dimension) against a bank of \(bank.rows.dimension)")
        precondition(queries.codeLimit <= queryCodeLimit, "queries must be quantized with NearestNeighbour.queries")
        guard bank.instructionSet == InstructionSet.current else { return searchCountingScores(queries, in: PackedBank(bank.rows)) }
        let count = queries.count
        guard count > 0 else { return ([], [], 0) }
        var distances = [Float](repeating: 0, count: count), indices = [Int32](repeating: 0, count: count)
        let scored = distances.withUnsafeMutableBufferPointer { distances in
            indices.withUnsafeMutableBufferPointer { indices in
                bank.packed.withUnsafeBytes { packed in
                    eagle_nearest_search_packed(packed.baseAddress, queries.values, queries.scales, queries.squaredNorms,
                                                Int32(count), distances.baseAddress, indices.baseAddress,
                                                Int32(clamping: int8ThreadCount))
                }
            }
        }
        precondition(scored >= 0, "a PackedBank holds a packed bank by construction")
        return (distances, indices, Int(scored))
    }
}
