import Kernels
import SeededRandom
import XCTest
@testable import PatchCore

final class ActivationHistogramTests: XCTestCase {
    /// The real mean squared error of quantizing `values` with the range low...high.
    static func quantizationError(_ values: [Float], _ low: Float, _ high: Float) -> Double {
        let p = QuantizationParameters(min: low, max: high)
        return values.reduce(0.0) { sum, v in
            let e = Double(v - p.dequantize(p.quantize(v)))
            return sum + e * e
        } / Double(values.count)
    }

    static func histogram(_ values: [Float]) -> ActivationHistogram {
        var h = ActivationHistogram(low: values.min() ?? 0, high: values.max() ?? 0)
        h.add(values)
        return h
    }

    /// Laplace(0, 1) samples: heavy tails, where min/max wastes most codes on a few values.
    static func laplace(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let u = Float.random(in: -0.5..<0.5, using: &rng)
            return (u < 0 ? 1 : -1) * log(1 - 2 * abs(u))
        }
    }

    func testHeavyTailsAreClippedToTheRangeOfLeastError() {
        let values = Self.laplace(200_000, seed: 5)
        let (low, high) = Self.histogram(values).minimumErrorRange()
        let chosen = Self.quantizationError(values, low, high)
        let minMax = Self.quantizationError(values, values.min()!, values.max()!)
        // The best symmetric range by brute force on the values themselves.
        let best = stride(from: Float(2), through: 14, by: 0.05).map { Self.quantizationError(values, -$0, $0) }.min()!
        XCTAssertLessThan(high, values.max()! * 0.9, "the tail is clipped")
        XCTAssertGreaterThan(low, values.min()! * 0.9)
        // At 8 bits the gain is modest (about 20 % for Laplace tails) but must be there.
        XCTAssertLessThan(chosen, minMax * 0.85, "range \(low)...\(high)")
        XCTAssertLessThanOrEqual(chosen, best * 1.05, "range \(low)...\(high) against the brute-force optimum")
    }

    func testUniformValuesAndReLUZerosKeepTheirRange() {
        var rng = SplitMix64(seed: 8)
        // Half exactly 0 (ReLU's dead outputs), half uniform in (0, 6]: clipping only costs here.
        let values = (0..<100_000).map { i in i % 2 == 0 ? 0 : Float.random(in: 0.001...6, using: &rng) }
        let (low, high) = Self.histogram(values).minimumErrorRange()
        XCTAssertEqual(low, 0)
        XCTAssertGreaterThan(high, 5.9)
        XCTAssertLessThanOrEqual(high, values.max()!)
    }

    func testDegenerateHistogramsGiveTheirRangeWithZero() {
        XCTAssertTrue(ActivationHistogram(low: 1, high: 2).minimumErrorRange() == (0, 2))
        var constant = ActivationHistogram(low: 3, high: 3)
        constant.add([3, 3, 3])
        XCTAssertTrue(constant.minimumErrorRange() == (0, 3))
        var zeros = ActivationHistogram(low: 0, high: 0)
        zeros.add([0, 0])
        XCTAssertTrue(zeros.minimumErrorRange() == (0, 0))
    }

    func testMSEEstimatorNamesAndCalibratorPath() {
        XCTAssertEqual(RangeEstimator(storedName: "mse"), .mse)
        XCTAssertEqual(RangeEstimator.mse.storedName, "mse")
        XCTAssertEqual(RangeEstimator(storedName: "p0.001"), .percentile(fraction: 0.001))
        XCTAssertNil(RangeEstimator(storedName: "msex"))
    }
}
