import Kernels
import SeededRandom

/// Greedy k-center coreset selection (Roth et al. 2022, section 3.2, after Sener & Savarese):
/// repeatedly add the patch farthest from everything chosen so far, so a small bank covers the
/// whole feature distribution of the good parts, rare-but-normal patches included.
///
/// Distances are computed on a Johnson-Lindenstrauss random projection to
/// ``projectionDimension`` dimensions, the paper's speed-up; selection is deterministic for a
/// given seed.
public struct CoresetSampler: Sendable {
    /// Dimensions of the random projection (128 in the paper). Must be a multiple of 16.
    public let projectionDimension: Int
    public let seed: UInt64
    /// Worker threads for the distance updates.
    public let threads: Int

    public init(projectionDimension: Int = 128, seed: UInt64 = 0, threads: Int = 2) {
        precondition(projectionDimension > 0 && projectionDimension % 16 == 0, "projection dimension must be a positive multiple of 16")
        self.projectionDimension = projectionDimension
        self.seed = seed
        self.threads = max(1, threads)
    }

    /// Indices of `count` rows of `features` chosen greedily, in selection order.
    public func select(_ count: Int, from features: PatchFeatureMatrix) -> [Int] {
        select(count, from: project(features), rows: nil)
    }

    /// Indices of `count` of the rows `rows` (all when nil) of features already projected by
    /// ``project(_:)``, chosen greedily, in selection order. The teacher projects its patches
    /// once and selects both the calibration bank (a subset) and the production bank from them.
    public func select(_ count: Int, from projected: [SIMD16<Float>], rows: [Int]?) -> [Int] {
        let chunks = projectionDimension / 16
        let n = rows?.count ?? projected.count / chunks
        guard count < n else { return rows ?? Array(0..<n) }
        guard count > 0 else { return [] }
        // Candidates packed contiguously: a subset is copied once rather than read through an
        // index table in the hot loop.
        var candidates = projected
        if let rows {
            candidates = []
            candidates.reserveCapacity(rows.count * chunks)
            for r in rows { candidates.append(contentsOf: projected[(r * chunks)..<((r + 1) * chunks)]) }
        }
        let chosen = greedy(count, candidates: candidates, n: n, chunks: chunks)
        return rows.map { rows in chosen.map { rows[$0] } } ?? chosen
    }

    private func greedy(_ count: Int, candidates projected: [SIMD16<Float>], n: Int, chunks: Int) -> [Int] {
        var minDistance = [Float](repeating: .infinity, count: n)
        var rng = SplitMix64(seed: seed)
        var chosen = [Int(rng.next() % UInt64(n))]
        chosen.reserveCapacity(count)
        let slices = min(threads, max(1, n / 4096))
        projected.withUnsafeBufferPointer { pointsBuffer in
            minDistance.withUnsafeMutableBufferPointer { bestBuffer in
                let points = SharedBuffer(readOnly: pointsBuffer), best = SharedBuffer(bestBuffer)
                var sliceTops = [(distance: Float, index: Int)](repeating: (-1, 0), count: slices)
                while chosen.count < count {
                    let center = chosen[chosen.count - 1] * chunks
                    // Each slice updates its own range of minDistance and reports its farthest point.
                    sliceTops.withUnsafeMutableBufferPointer { topsBuffer in
                        let tops = SharedBuffer(topsBuffer)
                        Parallel.forEach(slices) { s in
                            let lo = n * s / slices, hi = n * (s + 1) / slices
                            var top: Float = -1, topIndex = lo
                            for i in lo..<hi {
                                var acc = SIMD16<Float>()
                                let row = i * chunks
                                for j in 0..<chunks {
                                    let d = points[row + j] - points[center + j]
                                    acc += d * d
                                }
                                let distance = min(best[i], acc.sum())
                                best[i] = distance
                                if distance > top { top = distance; topIndex = i }
                            }
                            tops[s] = (top, topIndex)
                        }
                    }
                    chosen.append(sliceTops.max { $0.distance < $1.distance }?.index ?? 0)
                }
            }
        }
        return chosen
    }

    /// Rows projected by a seeded Gaussian matrix with variance 1 / projectionDimension, packed
    /// as SIMD16 chunks (sgemm writes straight into them: a row of k Floats is k / 16 chunks).
    public func project(_ features: PatchFeatureMatrix) -> [SIMD16<Float>] {
        let d = features.dimension, k = projectionDimension
        var rng = SplitMix64(seed: seed ^ 0x5EED_C0DE)
        let scale = 1 / Float(k).squareRoot()
        var matrix = [Float](repeating: 0, count: d * k)
        for i in 0..<matrix.count { matrix[i] = rng.nextGaussian() * scale }
        let chunks = k / 16
        return [SIMD16<Float>](unsafeUninitializedCapacity: features.count * chunks) { packed, initialized in
            packed.withMemoryRebound(to: Float.self) { floats in
                MatrixProduct.multiply(features.values, matrix, m: features.count, n: k, k: d, into: floats)
            }
            initialized = features.count * chunks
        }
    }
}
