import SeededRandom
import XCTest
@testable import PatchCore

final class CoresetSamplerTests: XCTestCase {
    func testGreedySelectionCoversEveryCluster() {
        // Five tight clusters far apart, one of them tiny: k-center must take a point from each
        // before any second point of a cluster, where random sampling would likely miss the tiny one.
        var rng = SplitMix64(seed: 1)
        let centers: [[Float]] = [[0, 0], [100, 0], [0, 100], [100, 100], [50, 300]]
        let sizes = [400, 400, 400, 400, 3]
        var values: [Float] = [], cluster: [Int] = []
        for (c, center) in centers.enumerated() {
            for _ in 0..<sizes[c] {
                values.append(contentsOf: center.map { $0 + rng.nextGaussian() })
                cluster.append(c)
            }
        }
        // Pad to 16 dimensions with zeros so the projection has something to chew on.
        let padded = stride(from: 0, to: values.count, by: 2).flatMap { [values[$0], values[$0 + 1]] + [Float](repeating: 0, count: 14) }
        let features = PatchFeatureMatrix(count: cluster.count, dimension: 16, values: padded)
        let chosen = CoresetSampler(projectionDimension: 16, seed: 3).select(5, from: features)
        XCTAssertEqual(Set(chosen.map { cluster[$0] }), [0, 1, 2, 3, 4])
        XCTAssertEqual(Set(chosen).count, 5)
    }

    func testSelectionIsDeterministicPerSeedAndThreadCount() {
        var rng = SplitMix64(seed: 2)
        // Large enough that two threads each get a slice (4096 rows minimum per slice).
        let features = PatchFeatureMatrix(count: 9000, dimension: 24, values: (0..<(9000 * 24)).map { _ in rng.nextGaussian() })
        let a = CoresetSampler(seed: 4, threads: 1).select(20, from: features)
        let b = CoresetSampler(seed: 4, threads: 2).select(20, from: features)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 20)
        XCTAssertEqual(Set(a).count, 20)
        XCTAssertNotEqual(a, CoresetSampler(seed: 5).select(20, from: features))
    }

    func testCoresetRadiusBeatsRandomSampling() {
        // The k-center objective: the largest distance from any point to its nearest chosen one.
        // Points spread over a 2-D square, embedded in 32 dimensions by a random linear map: the
        // greedy 2-approximation must leave a clearly smaller worst-covered point than chance.
        var rng = SplitMix64(seed: 8)
        let embedding = (0..<64).map { _ in rng.nextGaussian() }
        var values: [Float] = []
        for _ in 0..<3000 {
            let u = Float(rng.next() % 10_000) / 100, v = Float(rng.next() % 10_000) / 100
            values.append(contentsOf: (0..<32).map { u * embedding[$0] + v * embedding[32 + $0] })
        }
        let features = PatchFeatureMatrix(count: 3000, dimension: 32, values: values)
        let k = 60
        func radius(_ indices: [Int]) -> Float {
            MemoryBank(features: features.rows(indices)).nearest(features).distances.max() ?? 0
        }
        let greedy = radius(CoresetSampler(seed: 1).select(k, from: features))
        var randomIndices = Array(0..<3000)
        randomIndices.shuffle(using: &rng)
        let random = radius(Array(randomIndices.prefix(k)))
        XCTAssertLessThan(greedy, random * 0.8, "greedy \(greedy) vs random \(random)")
    }

    func testAskingForAllOrNoneIsTrivial() {
        let features = PatchFeatureMatrix(count: 3, dimension: 16, values: [Float](repeating: 1, count: 48))
        XCTAssertEqual(CoresetSampler().select(5, from: features), [0, 1, 2])
        XCTAssertEqual(CoresetSampler().select(0, from: features), [])
    }
}
