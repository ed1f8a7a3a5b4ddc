import XCTest
@testable import Kernels

final class NearestNeighbourTests: XCTestCase {
    override func tearDown() {
        InstructionSet.force(InstructionSet.detected)
        setThreadCount(1)
        super.tearDown()
    }

    func testMatchesReferenceBitForBitOnRandomShapes() throws {
        var rng = SeededGenerator(seed: 0x9B1)
        var cases: [(QuantizedRows, QuantizedRows, [Float], [Int32], String)] = []
        for trial in 0..<120 {
            let d = trial < 70 ? trial + 1 : Int.random(in: 1...70, using: &rng)
            let queries = trial % 10 == 0 ? 1 : Int.random(in: 0...30, using: &rng)
            let bank = trial % 10 == 1 ? 1 : Int.random(in: 0...60, using: &rng)
            let q = try randomRows(queries, d, codeLimit: NearestNeighbour.queryCodeLimit, using: &rng), b = try randomRows(bank, d, using: &rng)
            let r = NearestNeighbour.searchReference(q, in: b)
            cases.append((q, b, r.squaredDistances, r.indices, "trial \(trial): \(queries) x \(bank) x \(d)"))
        }
        // Memory-bank proportions: 192 dimensions, a bank that is not a multiple of any tile.
        let q = try randomRows(40, 192, codeLimit: NearestNeighbour.queryCodeLimit, using: &rng), b = try randomRows(333, 192, using: &rng)
        let r = NearestNeighbour.searchReference(q, in: b)
        cases.append((q, b, r.squaredDistances, r.indices, "40 x 333 x 192"))
        forEachInstructionSet { isa, threads in
            for (q, b, distances, indices, what) in cases {
                let found = NearestNeighbour.search(q, in: b)
                XCTAssertEqual(found.indices, indices, "\(what) on \(isa), \(threads) threads")
                XCTAssertEqual(found.squaredDistances.map(\.bitPattern), distances.map(\.bitPattern), "\(what) on \(isa), \(threads) threads")
            }
        }
    }

    /// Codes at their limits, where the x86-64 kernel's 16-bit sums of two byte-pair sums reach
    /// +-2 * 2 * 63 * 127 = +-32004 (queries at +31 and -31, bank rows at +-127 in runs and
    /// alternating; u = 63 against -127 gives the negative extreme): the same bits as the twin, so
    /// nothing saturated.
    func testExtremeCodesMatchTheReference() throws {
        let limit = Float(NearestNeighbour.queryCodeLimit)
        for d in [8, 16, 144, 147] {
            let queryFloats = [Float](repeating: limit, count: d) + [Float](repeating: -limit, count: d)
                + (0..<d).map { $0 % 2 == 0 ? limit : -limit } + (0..<d).map { $0 % 8 < 4 ? limit : -limit }
            let bankFloats = [Float](repeating: 127, count: d) + [Float](repeating: -127, count: d)
                + (0..<d).map { $0 % 2 == 0 ? 127 : -127 } + (0..<d).map { $0 % 8 < 4 ? 127 : -127 }
            let queries = try NearestNeighbour.queries(queryFloats, count: 4, dimension: d)
            let bank = try QuantizedRows(bankFloats, count: 4, dimension: d)
            XCTAssertEqual(Set(queries.values), [Int8(NearestNeighbour.queryCodeLimit), Int8(-NearestNeighbour.queryCodeLimit)])
            XCTAssertEqual(Set(bank.values), [127, -127])
            let reference = NearestNeighbour.searchReference(queries, in: bank)
            forEachInstructionSet { isa, threads in
                let found = NearestNeighbour.search(queries, in: bank)
                XCTAssertEqual(found.indices, reference.indices, "d \(d) on \(isa), \(threads) threads")
                XCTAssertEqual(found.squaredDistances.map(\.bitPattern), reference.squaredDistances.map(\.bitPattern), "d \(d) on \(isa)")
            }
            // Each query's nearest row is the one of its own sign pattern.
            XCTAssertEqual(reference.indices, [0, 1, 2, 3], "d \(d)")
        }
    }

    /// Memory-bank-like data, where the AVX2 and NEON kernels' screen rules most rows out:
    /// clustered rows, queries near rows, and queries that copy a row the bank holds twice (equal
    /// distances, so the lower index must win), at dimensions on both sides of the screen's
    /// threshold (64). Bit for bit the twin; with AVX2 or NEON from 64 dimensions most pairs are
    /// never scored in full, on the portable path or below 64 all are.
    func testScreenedSearchMatchesReferenceOnClusteredBanks() throws {
        var rng = SeededGenerator(seed: 0x9B3)
        let bankCount = 400, queryCount = 150
        for d in [63, 64, 97, 144, 200] {
            let centres = (0..<12).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
            var bankFloats: [Float] = []
            for j in 0..<bankCount {
                if j % 50 == 49 {   // row j repeats row j - 40
                    bankFloats += bankFloats[((j - 40) * d)..<((j - 39) * d)]
                } else {
                    bankFloats += centres[j % centres.count].map { $0 + 0.2 * rng.nextGaussian() }
                }
            }
            var queryFloats: [Float] = []
            for i in 0..<queryCount {
                let near = i < 8 ? 50 * i + 49 : (i * 37) % bankCount
                let row = bankFloats[(near * d)..<((near + 1) * d)]
                queryFloats += i < 8 ? Array(row) : row.map { $0 + 0.05 * rng.nextGaussian() }
            }
            let bank = try QuantizedRows(bankFloats, count: bankCount, dimension: d)
            let queries = try NearestNeighbour.queries(queryFloats, count: queryCount, dimension: d)
            let reference = NearestNeighbour.searchReference(queries, in: bank)
            XCTAssertEqual(Array(reference.indices[0..<8]), (0..<8).map { Int32(50 * $0 + 9) }, "d \(d): ties go to the lower index")
            forEachInstructionSet { isa, threads in
                let found = NearestNeighbour.searchCountingScores(queries, in: NearestNeighbour.PackedBank(bank))
                XCTAssertEqual(found.indices, reference.indices, "d \(d) on \(isa), \(threads) threads")
                XCTAssertEqual(found.squaredDistances.map(\.bitPattern), reference.squaredDistances.map(\.bitPattern),
                               "d \(d) on \(isa), \(threads) threads")
                if isa != .portable && d >= 64 {
                    XCTAssertLessThan(found.scored, queryCount * bankCount / 5, "d \(d): the screen should rule out most rows")
                } else {
                    XCTAssertEqual(found.scored, queryCount * bankCount, "d \(d) on \(isa)")
                }
            }
        }
    }

    /// Banks the AVX2 screen's rotation must survive (its 16 principal directions do not all
    /// exist): fewer rows than a tile, every row the same, rows along one axis, a zero row, one
    /// row. The bits equal the twin's on every instruction set and thread count.
    func testScreenedSearchOnDegenerateBanks() throws {
        var rng = SeededGenerator(seed: 0x9B4)
        let d = 80
        let base = (0..<d).map { _ in rng.nextGaussian() }
        let axis = (0..<d).map { $0 == 7 ? Float(1) : 0 }
        let banks: [(String, [[Float]])] = [
            ("five rows", (0..<5).map { _ in (0..<d).map { _ in rng.nextGaussian() } }),
            ("one row repeated", Array(repeating: base, count: 40)),
            ("along one axis", (0..<33).map { j in axis.map { $0 * Float(j - 16) } }),
            ("with a zero row", (0..<17).map { j in j == 3 ? [Float](repeating: 0, count: d) : (0..<d).map { _ in rng.nextGaussian() } }),
            ("one row", [base]),
        ]
        let queryFloats = (0..<(30 * d)).map { _ in rng.nextGaussian() } + base + axis + [Float](repeating: 0, count: d)
        let queries = try NearestNeighbour.queries(queryFloats, count: 33, dimension: d)
        for (name, rows) in banks {
            let bank = try QuantizedRows(rows.flatMap { $0 }, count: rows.count, dimension: d)
            let reference = NearestNeighbour.searchReference(queries, in: bank)
            forEachInstructionSet { isa, threads in
                let found = NearestNeighbour.search(queries, in: NearestNeighbour.PackedBank(bank))
                XCTAssertEqual(found.indices, reference.indices, "\(name) on \(isa), \(threads) threads")
                XCTAssertEqual(found.squaredDistances.map(\.bitPattern), reference.squaredDistances.map(\.bitPattern),
                               "\(name) on \(isa), \(threads) threads")
            }
        }
    }

    /// Against fp32 brute force on the float rows the codes came from: the int8 winner's true
    /// distance is within a small relative tolerance of the true minimum, and so is the distance
    /// the search reports.
    func testAgreesWithFloatBruteForce() throws {
        var rng = SeededGenerator(seed: 0x9B2)
        let d = 96, bankCount = 500, queryCount = 60
        let bankFloats = (0..<(bankCount * d)).map { _ in rng.nextGaussian() }
        // Queries near bank rows, as patches of a good part are near the memory bank.
        var queryFloats: [Float] = []
        for i in 0..<queryCount {
            let near = (i * 7) % bankCount
            for k in 0..<d { queryFloats.append(bankFloats[near * d + k] + 0.3 * rng.nextGaussian()) }
        }
        let bank = try QuantizedRows(bankFloats, count: bankCount, dimension: d)
        let queries = try NearestNeighbour.queries(queryFloats, count: queryCount, dimension: d)
        func distance(_ i: Int, _ j: Int) -> Float {
            (0..<d).reduce(Float(0)) { s, k in let t = queryFloats[i * d + k] - bankFloats[j * d + k]; return s + t * t }
        }
        forEachInstructionSet { isa, threads in
            let found = NearestNeighbour.search(queries, in: bank)
            for i in 0..<queryCount {
                let truth = (0..<bankCount).map { distance(i, $0) }.min()!
                let chosen = distance(i, Int(found.indices[i]))
                XCTAssertLessThanOrEqual(chosen, truth * 1.02 + 1e-3, "query \(i) on \(isa)")
                XCTAssertEqual(found.squaredDistances[i], truth, accuracy: truth * 0.05 + 1e-2, "query \(i) on \(isa)")
            }
        }
    }

    func testTiesPickTheLowestIndex() throws {
        var rng = SeededGenerator(seed: 0x9B3)
        let d = 19
        // A bank of 37 rows where rows 5, 12, 20 and 36 are the same vector, the queries' nearest.
        var bankFloats = (0..<(37 * d)).map { _ in Float.random(in: -1...1, using: &rng) }
        let target = (0..<d).map { _ in Float.random(in: 3...4, using: &rng) }
        for j in [12, 5, 36, 20] { bankFloats.replaceSubrange((j * d)..<((j + 1) * d), with: target) }
        let bank = try QuantizedRows(bankFloats, count: 37, dimension: d)
        let queryFloats = (0..<(9 * d)).map { k in target[k % d] + Float.random(in: -0.05...0.05, using: &rng) }
        let queries = try NearestNeighbour.queries(queryFloats, count: 9, dimension: d)
        // All rows identical: index 0 for every query.
        let flat = try QuantizedRows((0..<(21 * d)).map { target[$0 % d] }, count: 21, dimension: d)
        forEachInstructionSet { isa, threads in
            XCTAssertEqual(NearestNeighbour.search(queries, in: bank).indices, [Int32](repeating: 5, count: 9), "\(isa)")
            XCTAssertEqual(NearestNeighbour.search(queries, in: flat).indices, [Int32](repeating: 0, count: 9), "\(isa)")
        }
        XCTAssertEqual(NearestNeighbour.searchReference(queries, in: bank).indices, [Int32](repeating: 5, count: 9))
    }

    func testEmptyAndOneRowBanks() throws {
        var rng = SeededGenerator(seed: 0x9B4)
        let queries = try randomRows(13, 8, codeLimit: NearestNeighbour.queryCodeLimit, using: &rng)
        let empty = try QuantizedRows([], count: 0, dimension: 8)
        let one = try randomRows(1, 8, using: &rng)
        let noQueries = try NearestNeighbour.queries([], count: 0, dimension: 8)
        forEachInstructionSet { isa, threads in
            let none = NearestNeighbour.search(queries, in: empty)
            XCTAssertEqual(none.indices, [Int32](repeating: 0, count: 13))
            XCTAssertEqual(none.squaredDistances, [Float](repeating: .infinity, count: 13))
            let single = NearestNeighbour.search(queries, in: one)
            let reference = NearestNeighbour.searchReference(queries, in: one)
            XCTAssertEqual(single.indices, [Int32](repeating: 0, count: 13))
            XCTAssertEqual(single.squaredDistances.map(\.bitPattern), reference.squaredDistances.map(\.bitPattern), "\(isa)")
            XCTAssertEqual(NearestNeighbour.search(noQueries, in: one).indices, [])
        }
    }

    /// A query equal to a bank row is at distance 0 (clamped at 0 if rounding goes below); the
    /// all-zero rows (5, 16, 27, ...) are all nearest to a zero query, and the first one wins.
    func testDistanceToItselfIsNearZero() throws {
        var rng = SeededGenerator(seed: 0x9B5)
        let bank = try randomRows(50, 33, using: &rng)
        let queries = try NearestNeighbour.queries((0..<(50 * 33)).map { bank.scales[$0 / 33] * Float(bank.values[$0]) }, count: 50, dimension: 33)
        forEachInstructionSet { isa, threads in
            let found = NearestNeighbour.search(queries, in: bank)
            XCTAssertEqual(found.indices, (0..<50).map { Int32($0 % 11 == 5 ? 5 : $0) }, "\(isa)")
            for i in 0..<50 {
                XCTAssertGreaterThanOrEqual(found.squaredDistances[i], 0)
                XCTAssertLessThan(found.squaredDistances[i], 1e-3 * bank.squaredNorms[i] + 1e-6)
            }
        }
    }

    /// A bank packed once for each instruction set answers every later query set as the
    /// reference does; packed for one set and searched on another, it is packed again.
    func testPackedBankMatchesReferenceAcrossCalls() throws {
        var rng = SeededGenerator(seed: 0x9B6)
        let bank = try randomRows(203, 144, using: &rng)
        let querySets = try (0..<3).map { i in try randomRows(50 + 17 * i, 144, codeLimit: NearestNeighbour.queryCodeLimit, using: &rng) }
        let expected = querySets.map { NearestNeighbour.searchReference($0, in: bank) }
        forEachInstructionSet { isa, threads in
            let packed = NearestNeighbour.PackedBank(bank)
            XCTAssertEqual(packed.instructionSet, isa)
            for (queries, reference) in zip(querySets, expected) {
                let found = NearestNeighbour.search(queries, in: packed)
                XCTAssertEqual(found.indices, reference.indices, "\(isa), \(threads) threads")
                XCTAssertEqual(found.squaredDistances.map(\.bitPattern), reference.squaredDistances.map(\.bitPattern), "\(isa)")
            }
        }
        let portable = NearestNeighbour.PackedBank(bank, for: .portable)
        let found = NearestNeighbour.search(querySets[0], in: portable)
        XCTAssertEqual(found.indices, expected[0].indices)
    }

    /// The C quantization of rows equals its Swift twin code for code and bit for bit, on random
    /// rows and on values that land exactly on and next to ties after scaling.
    func testRowQuantizationMatchesReference() throws {
        var rng = SeededGenerator(seed: 0x9B7)
        var cases: [(values: [Float], count: Int, dimension: Int)] = []
        for trial in 0..<60 {
            let count = Int.random(in: 0...9, using: &rng), d = Int.random(in: 1...150, using: &rng)
            let scale = trial % 7 == 0 ? 0 : Float.random(in: 1e-4...1e3, using: &rng)
            cases.append(((0..<(count * d)).map { _ in scale * rng.nextGaussian() }, count, d))
        }
        // Largest 127: codes are the values themselves, so halves are exact ties, and their
        // neighbours one ulp away must round the other way.
        var ties: [Float] = [127]
        for n in 0..<127 {
            let tie = Float(n) + 0.5
            ties += [tie, -tie, tie.nextUp, tie.nextDown, -tie.nextUp, -tie.nextDown]
        }
        cases.append((ties, 1, ties.count))
        cases.append(([0.49999997, -0.49999997, 0.5, -0.5, 1.4999999, 126.5, 127, 0, -0.0], 1, 9))
        // Each instruction set's C path (x86-64: AVX2 and the SSE2 baseline) against the twin.
        try forEachInstructionSet(threads: [1]) { isa, _ in
            for (values, count, d) in cases {
                for limit in [127, 63] {
                    let fast = try QuantizedRows(values, count: count, dimension: d, codeLimit: limit)
                    let reference = try QuantizedRows.reference(values, count: count, dimension: d, codeLimit: limit)
                    let what = "\(isa): \(count) x \(d), limit \(limit)"
                    XCTAssertEqual(fast.values, reference.values, what)
                    XCTAssertEqual(fast.scales.map(\.bitPattern), reference.scales.map(\.bitPattern), what)
                    XCTAssertEqual(fast.squaredNorms.map(\.bitPattern), reference.squaredNorms.map(\.bitPattern), what)
                    XCTAssertLessThanOrEqual(fast.values.map { abs(Int($0)) }.max() ?? 0, limit, what)
                }
            }
        }
        let tieCodes = try QuantizedRows(ties, count: 1, dimension: ties.count).values
        XCTAssertEqual(Array(tieCodes[1...6]), [1, -1, 1, 0, -1, 0])
        // Limit 63 with a largest value of 63: scale 1, so halves are ties again (away from zero).
        XCTAssertEqual(try QuantizedRows([63, 31.5, -31.5, 0.5, -2.5, 62.499996], count: 1, dimension: 6, codeLimit: 63).values,
                       [63, 32, -32, 1, -3, 62])
        XCTAssertThrowsError(try QuantizedRows([1, 2, 3], count: 2, dimension: 2))
        XCTAssertThrowsError(try QuantizedRows([1, 2], count: 1, dimension: 2, codeLimit: 128))
    }

    private func randomRows(_ count: Int, _ dimension: Int, codeLimit: Int = 127, using rng: inout SeededGenerator) throws -> QuantizedRows {
        // Row scales vary (a few rows all zero) so the Float epilogue sees varied magnitudes.
        let floats = (0..<count).flatMap { r -> [Float] in
            let scale = r % 11 == 5 ? 0 : Float.random(in: 0.01...10, using: &rng)
            return (0..<dimension).map { _ in scale * Float.random(in: -1...1, using: &rng) }
        }
        return try QuantizedRows(floats, count: count, dimension: dimension, codeLimit: codeLimit)
    }
}
