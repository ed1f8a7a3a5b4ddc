import CEagleKernels
import Kernels

/// The memory bank of nominal patch features and exact nearest-neighbour search against it.
///
/// Squared distances come from ||q||^2 + ||m||^2 - 2 q.m with the dot products as one sgemm per
/// block of queries: the same exact answer as brute force (up to Float rounding), at BLAS speed.
public struct MemoryBank: Sendable, Equatable {
    public let features: PatchFeatureMatrix
    /// ||m||^2 of every bank row.
    let squaredNorms: [Float]
    /// The bank in int8 (one scale per row), packed for the search kernel, searched by the int8
    /// expert.
    public let quantized: NearestNeighbour.PackedBank?

    /// Queries per sgemm: bounds the distance block to 256 x bank size Floats.
    static let queryBlock = 256

    public init(features: PatchFeatureMatrix) {
        self.features = features
        self.squaredNorms = Self.squaredNorms(features)
        // Only a matrix without columns has no int8 form.
        self.quantized = (try? QuantizedRows(features.values, count: features.count, dimension: features.dimension))
            .map { NearestNeighbour.PackedBank($0) }
    }

    /// Nearest bank rows in `precision`: the fp32 search below, or the int8 one
    /// (``NearestNeighbour``: int8 codes, integer dot products, the exact nearest row between the
    /// quantized vectors) followed by a re-rank of its winner in fp32: the distance reported is
    /// the one between the float query and the float bank row it chose, so the scores carry no
    /// quantization error of the search itself, only that of the choice (a near tie may pick a
    /// row a hair farther than fp32's).
    public func nearest(_ queries: PatchFeatureMatrix, precision: Precision) throws -> (distances: [Float], indices: [Int]) {
        switch precision {
        case .fp32:
            return nearest(queries)
        case .int8:
            guard let quantized, queries.dimension == dimension else {
                throw PatchCoreError.inputMismatch("queries of dimension \(queries.dimension) against an int8 bank of \(dimension)")
            }
            // As the fp32 search: no bank row, every query infinitely far (and no row to re-rank).
            guard count > 0 else { return ([Float](repeating: .infinity, count: queries.count), [Int](repeating: 0, count: queries.count)) }
            let q = try NearestNeighbour.queries(queries.values, count: queries.count, dimension: queries.dimension)
            let rows = NearestNeighbour.search(q, in: quantized).indices
            return (floatDistances(queries, to: rows), rows.map(Int.init))
        }
    }

    /// The fp32 distance from each query row to the bank row chosen for it: the C kernel
    /// `eagle_rerank_distances` on the int8 kernels' workers (each chosen row is a cache miss,
    /// better spread over the workers than waited on by one thread), the bits of
    /// ``floatDistancesReference(_:to:)``.
    func floatDistances(_ queries: PatchFeatureMatrix, to rows: [Int32]) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows.count) { out, initialized in
            queries.values.withUnsafeBufferPointer { q in
                features.values.withUnsafeBufferPointer { m in
                    rows.withUnsafeBufferPointer { r in
                        eagle_rerank_distances(q.baseAddress, m.baseAddress, Int32(dimension), r.baseAddress, Int32(rows.count),
                                               out.baseAddress, Int32(int8ThreadCount))
                    }
                }
            }
            initialized = rows.count
        }
    }

    /// The plain twin of ``floatDistances(_:to:)``: squares summed in eight interleaved partial
    /// sums (dimension k to lane k % 8), the lanes added in order, then the tail.
    func floatDistancesReference(_ queries: PatchFeatureMatrix, to rows: [Int]) -> [Float] {
        let d = dimension, blocks = d / 8
        return queries.values.withUnsafeBufferPointer { q in
            features.values.withUnsafeBufferPointer { m in
                rows.enumerated().map { i, row in
                    // Eight running sums (dimension k goes to lane k % 8), added up at the end:
                    // one long chain of dependent additions was the cost, not the arithmetic.
                    let a = UnsafeRawPointer(q.baseAddress.unsafelyUnwrapped + i * d)
                    let b = UnsafeRawPointer(m.baseAddress.unsafelyUnwrapped + row * d)
                    var lanes = SIMD8<Float>()
                    for j in 0..<blocks {
                        let t = a.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
                            - b.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
                        lanes += t * t
                    }
                    var sum = lanes.sum()
                    for k in (8 * blocks)..<d {
                        let t = q[i * d + k] - m[row * d + k]
                        sum += t * t
                    }
                    return sum.squareRoot()
                }
            }
        }
    }

    public var count: Int { features.count }
    public var dimension: Int { features.dimension }

    /// The Euclidean distance from each query row to its nearest bank row, and that row.
    public func nearest(_ queries: PatchFeatureMatrix) -> (distances: [Float], indices: [Int]) {
        precondition(queries.dimension == dimension, "queries of dimension \(queries.dimension) against a bank of \(dimension)")
        let d = dimension, m = count
        var distances = [Float](repeating: 0, count: queries.count)
        var indices = [Int](repeating: 0, count: queries.count)
        guard m > 0 else { return (distances.map { _ in .infinity }, indices) }
        let queryNorms = Self.squaredNorms(queries)
        var start = 0
        while start < queries.count {
            let rows = min(Self.queryBlock, queries.count - start)
            let block = Array(queries.values[(start * d)..<((start + rows) * d)])
            let dots = MatrixProduct.multiply(block, features.values, m: rows, n: m, k: d, transposeB: true)
            dots.withUnsafeBufferPointer { dot in
                squaredNorms.withUnsafeBufferPointer { bankNorm in
                    for r in 0..<rows {
                        var best = Float.infinity, bestIndex = 0
                        let base = r * m
                        for j in 0..<m {
                            let v = bankNorm[j] - 2 * dot[base + j]
                            if v < best { best = v; bestIndex = j }
                        }
                        // Rounding can make a zero distance slightly negative.
                        distances[start + r] = max(best + queryNorms[start + r], 0).squareRoot()
                        indices[start + r] = bestIndex
                    }
                }
            }
            start += rows
        }
        return (distances, indices)
    }

    /// The plain twin of ``nearest(_:)``: every pair's distance summed directly, in Double.
    public func nearestReference(_ queries: PatchFeatureMatrix) -> (distances: [Float], indices: [Int]) {
        let d = dimension
        var distances: [Float] = [], indices: [Int] = []
        for q in 0..<queries.count {
            var best = Double.infinity, bestIndex = 0
            for j in 0..<count {
                var sum = 0.0
                for k in 0..<d {
                    let diff = Double(queries.values[q * d + k]) - Double(features.values[j * d + k])
                    sum += diff * diff
                }
                if sum < best { best = sum; bestIndex = j }
            }
            distances.append(Float(best.squareRoot()))
            indices.append(bestIndex)
        }
        return (distances, indices)
    }

    /// Euclidean distances from one vector to every bank row, in bank order.
    public func distances(from query: ArraySlice<Float>) -> [Float] {
        precondition(query.count == dimension, "query of dimension \(query.count) against a bank of \(dimension)")
        let q = Array(query)
        let dots = MatrixProduct.multiply(q, features.values, m: 1, n: count, k: dimension, transposeB: true)
        let own = q.reduce(0) { $0 + $1 * $1 }
        return (0..<count).map { max(own + squaredNorms[$0] - 2 * dots[$0], 0).squareRoot() }
    }

    /// The `k` bank rows nearest to bank row `row` (itself excluded), nearest first.
    public func neighbours(ofBankRow row: Int, k: Int) -> [Int] {
        let d = dimension
        let all = distances(from: features.values[(row * d)..<((row + 1) * d)])
        return Array(all.indices.filter { $0 != row }.sorted { all[$0] < all[$1] }.prefix(k))
    }

    static func squaredNorms(_ matrix: PatchFeatureMatrix) -> [Float] {
        let d = matrix.dimension
        return matrix.values.withUnsafeBufferPointer { v in
            (0..<matrix.count).map { r in
                var s: Float = 0
                for k in 0..<d { s += v[r * d + k] * v[r * d + k] }
                return s
            }
        }
    }
}
