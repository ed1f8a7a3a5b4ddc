import SeededRandom
import XCTest
@testable import PatchCore

final class RadixSortTests: XCTestCase {
    func testScoreKeysAscendAsScoresDescend() {
        let scores: [Float] = [
            .infinity, .greatestFiniteMagnitude, 1, 0.5, .leastNonzeroMagnitude, 0,
            -.leastNonzeroMagnitude, -0.5, -1, -.greatestFiniteMagnitude, -.infinity,
        ]
        let keys = scores.map(DescendingScoreKey.key)
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertEqual(Set(keys).count, keys.count)
        XCTAssertEqual(keys.map(DescendingScoreKey.score), scores)
        // Equal scores need equal keys, or a tie would be split into two steps.
        XCTAssertEqual(DescendingScoreKey.key(-0.0), DescendingScoreKey.key(0))
    }

    func testAgreesWithTheStandardSort() {
        var rng = SplitMix64(seed: 0x5EED_0004)
        for count in [0, 1, 2, 3, 255, 256, 257, 5000] {
            var keys = (0..<count).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
            let expected = keys.sorted()
            RadixSort.sort(&keys)
            XCTAssertEqual(keys, expected, "\(count) keys")
        }
    }

    func testSortsByTheUpperHalfStably() {
        // Few distinct keys in the upper half, the original position in the lower: equal keys
        // must keep ascending positions.
        var rng = SplitMix64(seed: 0x5EED_0005)
        var entries = (0..<3000).map { UInt64(UInt32.random(in: 0..<40, using: &rng) << 24) << 32 | UInt64($0) }
        let expected = entries.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map(\.element)
        RadixSort.sort(&entries)
        XCTAssertEqual(entries, expected)
    }
}
