import Kernels
import XCTest
@testable import PatchCore

final class MemoryBankTests: XCTestCase {
    private func randomMatrix(_ count: Int, _ dimension: Int, _ rng: inout SplitMix64) -> PatchFeatureMatrix {
        PatchFeatureMatrix(count: count, dimension: dimension,
                           values: (0..<(count * dimension)).map { _ in rng.nextGaussian() })
    }

    func testNearestMatchesBruteForceOnRandomData() {
        var rng = SplitMix64(seed: 5)
        for (banks, queries, dimension) in [(1, 3, 4), (37, 300, 17), (200, 513, 64)] {
            let bank = MemoryBank(features: randomMatrix(banks, dimension, &rng))
            let q = randomMatrix(queries, dimension, &rng)
            let fast = bank.nearest(q), slow = bank.nearestReference(q)
            for i in 0..<queries {
                XCTAssertEqual(fast.distances[i], slow.distances[i], accuracy: 1e-3 * (1 + slow.distances[i]))
                if fast.indices[i] != slow.indices[i] {
                    // A different index is only acceptable for an exact tie in distance.
                    let alt = bank.nearestReference(bank.features.rows([fast.indices[i]]))
                    XCTAssertEqual(alt.distances[0], 0)
                    XCTAssertEqual(fast.distances[i], slow.distances[i], accuracy: 1e-4)
                }
            }
        }
    }

    func testAQueryInTheBankHasDistanceZero() {
        var rng = SplitMix64(seed: 9)
        let features = randomMatrix(50, 32, &rng)
        let bank = MemoryBank(features: features)
        let result = bank.nearest(features.rows([7, 3, 49]))
        XCTAssertEqual(result.indices, [7, 3, 49])
        XCTAssertTrue(result.distances.allSatisfy { $0 < 1e-2 }, "\(result.distances)")
    }

    func testNeighboursAreSortedAndExcludeTheRowItself() throws {
        let features = PatchFeatureMatrix(count: 4, dimension: 1, values: [0, 1, 3, 10])
        let bank = MemoryBank(features: features)
        XCTAssertEqual(bank.neighbours(ofBankRow: 1, k: 2), [0, 2])
        XCTAssertEqual(bank.neighbours(ofBankRow: 3, k: 5), [2, 1, 0])
        XCTAssertEqual(bank.distances(from: [2]), [2, 1, 1, 8])
    }
}
