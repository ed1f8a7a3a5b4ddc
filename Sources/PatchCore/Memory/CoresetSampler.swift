import Kernels

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
        let n = features.count
        guard count < n else { return Array(0..<n) }
        guard count > 0 else { return [] }
        let projected = project(features)
        let chunks = projectionDimension / 16
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
    /// as SIMD16 chunks.
    func project(_ features: PatchFeatureMatrix) -> [SIMD16<Float>] {
        let d = features.dimension, k = projectionDimension
        var rng = SplitMix64(seed: seed ^ 0x5EED_C0DE)
        let scale = 1 / Float(k).squareRoot()
        var matrix = [Float](repeating: 0, count: d * k)
        for i in 0..<matrix.count { matrix[i] = rng.nextGaussian() * scale }
        let product = MatrixProduct.multiply(features.values, matrix, m: features.count, n: k, k: d)
        let chunks = k / 16
        var packed = [SIMD16<Float>](repeating: SIMD16<Float>(), count: features.count * chunks)
        product.withUnsafeBufferPointer { src in
            for i in 0..<(features.count * chunks) {
                packed[i] = SIMD16<Float>(src[(i * 16)..<(i * 16 + 16)])
            }
        }
        return packed
    }
}
