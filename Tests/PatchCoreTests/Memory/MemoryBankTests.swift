import Kernels
import SeededRandom
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

    func testAnEmptyBankLeavesEveryQueryInfinitelyFar() throws {
        let bank = MemoryBank(features: PatchFeatureMatrix(count: 0, dimension: 12, values: []))
        let queries = PatchFeatureMatrix(count: 3, dimension: 12, values: (0..<36).map { Float($0) })
        for precision in [Precision.fp32, .int8] {
            let found = try bank.nearest(queries, precision: precision)
            XCTAssertEqual(found.distances, [.infinity, .infinity, .infinity], "\(precision)")
            XCTAssertEqual(found.indices, [0, 0, 0], "\(precision)")
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

    /// The int8 search's re-rank (a C kernel on the int8 workers) gives the bits of its Swift twin,
    /// on every instruction set and thread count, for dimensions with and without a tail past the
    /// last block of 8.
    func testReRankHasTheBitsOfItsTwin() {
        var rng = SplitMix64(seed: 8)
        defer {
            _ = InstructionSet.force(InstructionSet.detected)
            setThreadCount(1)
        }
        for d in [144, 150, 5] {
            let bank = MemoryBank(features: randomMatrix(300, d, &rng))
            let queries = randomMatrix(700, d, &rng)
            let rows = (0..<queries.count).map { _ in Int32(rng.next() % 300) }
            let twin = bank.floatDistancesReference(queries, to: rows.map(Int.init))
            for isa in Set([InstructionSet.detected, .portable]) {
                XCTAssertTrue(InstructionSet.force(isa))
                for threads in [1, 2] {
                    setThreadCount(threads)
                    XCTAssertEqual(bank.floatDistances(queries, to: rows).map(\.bitPattern), twin.map(\.bitPattern),
                                   "d \(d) on \(isa), \(threads) threads")
                }
            }
        }
    }

    /// The int8 search picks a row whose fp32 distance is within a small tolerance of the true
    /// nearest one, and reports that row's fp32 distance.
    func testInt8SearchReRanksItsWinnerInFloat() throws {
        var rng = SplitMix64(seed: 13)
        let bank = MemoryBank(features: randomMatrix(300, 48, &rng))
        // Queries near bank rows, as good patches are near the memory bank.
        let near = (0..<120).map { ($0 * 7) % 300 }
        let queries = PatchFeatureMatrix(count: near.count, dimension: 48, values: near.flatMap { row in
            (0..<48).map { bank.features.values[row * 48 + $0] + 0.4 * rng.nextGaussian() }
        })
        let int8 = try bank.nearest(queries, precision: .int8), truth = bank.nearestReference(queries)
        for i in 0..<queries.count {
            let chosen = int8.indices[i]
            var exact: Float = 0
            for k in 0..<48 { let t = queries.values[i * 48 + k] - bank.features.values[chosen * 48 + k]; exact += t * t }
            // The same float squares, summed in another order: equal up to float rounding.
            XCTAssertEqual(int8.distances[i], exact.squareRoot(), accuracy: 1e-6 * exact.squareRoot(),
                           "query \(i): the reported distance is the float one")
            XCTAssertLessThanOrEqual(int8.distances[i], truth.distances[i] * 1.01 + 1e-4, "query \(i): row \(chosen) vs \(truth.indices[i])")
        }
        XCTAssertGreaterThan(zip(int8.indices, truth.indices).filter { $0 == $1 }.count, 110, "nearly every winner is fp32's")
    }
}
