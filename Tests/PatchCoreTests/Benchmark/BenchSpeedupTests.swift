import XCTest
@testable import PatchCore

final class BenchSpeedupTests: XCTestCase {
    private func result(_ precision: Precision, threads: Int, backbone: UInt64) -> BenchResult {
        BenchReportTests.result("\(precision.rawValue).eagle", precision, threads: threads, backbone: backbone, search: 2)
    }

    func testEachLaterModelAgainstTheFirstAtItsThreadCountInAscendingThreadOrder() {
        let rows = BenchSpeedup.rows([
            result(.int8, threads: 2, backbone: 2), result(.fp32, threads: 2, backbone: 8),
            result(.int8, threads: 1, backbone: 4), result(.fp32, threads: 1, backbone: 12), result(.fp32, threads: 1, backbone: 6),
        ])
        XCTAssertEqual(rows.map(\.label), ["fp32 vs int8, 1 thread", "fp32 vs int8, 1 thread", "fp32 vs int8, 2 threads"])
        XCTAssertEqual(rows.map { $0.ratios.map(\.stage) }, [[BenchStage]](repeating: BenchSpeedup.stages, count: 3))
        // The first's median over the other's: below 1 when the other is slower.
        XCTAssertEqual(rows.map { $0.ratios[0].ratio }, [4.0 / 12, 4.0 / 6, 2.0 / 8])
        XCTAssertEqual(rows.map { $0.ratios[1].ratio }, [1, 1, 1], "search took 2 ms everywhere")
    }

    func testASingleModelHasNothingToCompare() {
        XCTAssertTrue(BenchSpeedup.rows([result(.int8, threads: 1, backbone: 4), result(.int8, threads: 2, backbone: 3)]).isEmpty)
    }

    func testAStageThatTookNoTimeDoesNotDivideByZero() {
        let zero = BenchResult(name: "z", precision: .int8, threads: 1, stages: [:], meanScore: 0)
        let rows = BenchSpeedup.rows([result(.fp32, threads: 1, backbone: 4), zero])
        XCTAssertTrue(rows[0].ratios.allSatisfy { $0.ratio.isFinite }, "\(rows[0].ratios)")
    }
}
