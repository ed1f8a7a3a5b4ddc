import XCTest
@testable import Kernels

/// Hand-computed cases for the definitions every int8 kernel implements.
final class QuantizationTests: XCTestCase {
    // MARK: QuantizationParameters

    func testParametersRejectWhatIsNotAnAffineCode() {
        XCTAssertThrowsError(try QuantizationParameters(scale: 0, zeroPoint: 0))
        XCTAssertThrowsError(try QuantizationParameters(scale: -1, zeroPoint: 0))
        XCTAssertThrowsError(try QuantizationParameters(scale: .infinity, zeroPoint: 0))
        XCTAssertThrowsError(try QuantizationParameters(scale: .nan, zeroPoint: 0))
        XCTAssertThrowsError(try QuantizationParameters(scale: 1, zeroPoint: 128))
        XCTAssertThrowsError(try QuantizationParameters(scale: 1, zeroPoint: -129))
        XCTAssertNoThrow(try QuantizationParameters(scale: 1, zeroPoint: -128))
        XCTAssertNoThrow(try QuantizationParameters(scale: 1, zeroPoint: 127))
    }

    func testRangeCoversItsEndsWithZeroExact() throws {
        // -1...3: scale 4/255, zero point -128 + 63.75 = -64.25 -> -64.
        let p = QuantizationParameters(min: -1, max: 3)
        XCTAssertEqual(p.scale, 4.0 / 255)
        XCTAssertEqual(p.zeroPoint, -64)
        XCTAssertEqual(p.quantize(0), -64)
        XCTAssertEqual(p.dequantize(-64), 0)
        XCTAssertEqual(p.quantize(3), 127)    // 191.25 -> 191, + -64
        XCTAssertEqual(p.quantize(-1), -128)  // -63.75 -> -64, + -64
        XCTAssertEqual(p.quantize(100), 127)  // saturates
        XCTAssertEqual(p.quantize(-100), -128)
        // A one-sided range is widened to include 0: 2...5 becomes 0...5, zero point -128.
        let relu = QuantizationParameters(min: 2, max: 5)
        XCTAssertEqual(relu.zeroPoint, -128)
        XCTAssertEqual(relu.scale, 5.0 / 255)
        // 0...0 gets a width of 1e-6.
        XCTAssertEqual(QuantizationParameters(min: 0, max: 0).scale, 1e-6 / 255)
        XCTAssertEqual(QuantizationParameters(min: -.infinity, max: .nan), QuantizationParameters(min: 0, max: 0))
    }

    func testQuantizeRoundsTiesAwayFromZero() throws {
        let p = try QuantizationParameters(scale: 0.5, zeroPoint: 10)
        XCTAssertEqual(p.quantize(0.25), 11)   // 0.5 -> 1
        XCTAssertEqual(p.quantize(-0.25), 9)   // -0.5 -> -1
        XCTAssertEqual(p.quantize(0.75), 12)   // 1.5 -> 2
        XCTAssertEqual(p.quantize(-0.75), 8)   // -1.5 -> -2
        XCTAssertEqual(p.dequantize(12), 1)
    }

    func testActivationClampCodes() throws {
        let p = try QuantizationParameters(scale: 0.05, zeroPoint: -100)
        XCTAssertEqual(p.codes(of: 0...6), -100...20)    // 6 / 0.05 = 120
        let wide = try QuantizationParameters(scale: 0.01, zeroPoint: -128)
        XCTAssertEqual(wide.codes(of: 0...6), -128...127)  // 600 codes clipped
        let negative = try QuantizationParameters(scale: 1, zeroPoint: 127)
        XCTAssertEqual(negative.codes(of: 0...6), 127...127)
    }

    // MARK: FixedPointMultiplier

    func testMultiplierNormalisation() throws {
        func check(_ real: Double, _ multiplier: Int32, _ shift: Int32, line: UInt = #line) throws {
            let f = try FixedPointMultiplier(real)
            XCTAssertEqual([f.multiplier, f.shift], [multiplier, shift], "\(real)", line: line)
        }
        try check(1, 1 << 30, 30)
        try check(0.5, 1 << 30, 31)
        try check(0.75, 0x6000_0000, 31)            // 0.75 * 2^31
        try check(1.0 / 3, 0x5555_5555, 32)         // 2^32 / 3 = 1431655765.33 -> ...765
        try check(3, 0x6000_0000, 29)
        try check(1 - 0x1p-33, 1 << 30, 30)         // the significand rounds up to 2^31: renormalised to 1.0
        try check(0x1p29, 1 << 30, 1)               // the largest shift-1 power
        XCTAssertEqual(try FixedPointMultiplier(0.001).real, 0.001, accuracy: 0.001 * 0x1p-30)
    }

    func testShiftIsCappedAt62ForTinyMultipliers() throws {
        // 2^-40 = 2^30 / 2^70: the shift is capped at 62 and the multiplier divided by 2^8.
        var f = try FixedPointMultiplier(0x1p-40)
        XCTAssertEqual([f.multiplier, f.shift], [1 << 22, 62])
        XCTAssertEqual(f.real, 0x1p-40)
        // 3 * 2^-45 = 3 * 2^29 / 2^74 -> 3 * 2^17 / 2^62, still exact.
        f = try FixedPointMultiplier(3 * 0x1p-45)
        XCTAssertEqual([f.multiplier, f.shift], [3 << 17, 62])
        // (1 + 2^-25) * 2^-40 = (2^30 + 32) / 2^70 -> (2^22 + 1/8) / 2^62, rounded to 2^22.
        f = try FixedPointMultiplier((1 + 0x1p-25) * 0x1p-40)
        XCTAssertEqual([f.multiplier, f.shift], [1 << 22, 62])
        // 2^-93 = 2^30 / 2^123: the multiplier becomes 2^-31 / 2^62 and rounds to 0; far below stays 0.
        f = try FixedPointMultiplier(0x1p-93)
        XCTAssertEqual([f.multiplier, f.shift], [0, 62])
        f = try FixedPointMultiplier(1e-30)
        XCTAssertEqual([f.multiplier, f.shift], [0, 62])
        f = try FixedPointMultiplier(Double.leastNonzeroMagnitude)
        XCTAssertEqual([f.multiplier, f.shift], [0, 62])
    }

    func testMultiplierRejectsOutOfRange() {
        XCTAssertThrowsError(try FixedPointMultiplier(0))
        XCTAssertThrowsError(try FixedPointMultiplier(-0.5))
        XCTAssertThrowsError(try FixedPointMultiplier(.nan))
        XCTAssertThrowsError(try FixedPointMultiplier(.infinity))
        XCTAssertThrowsError(try FixedPointMultiplier(0x1p30))
    }

    func testScaledRoundsTiesTowardPlusInfinity() throws {
        let half = try FixedPointMultiplier(0.5)
        XCTAssertEqual([1, -1, 3, -3, 2, -2, 0].map { half.scaled($0) }, [1, 0, 2, -1, 1, -1, 0])
        let quarter = FixedPointMultiplier(multiplier: 1 << 30, shift: 32)  // 1/4
        //   acc:          2   -2   6  -6   1   -1   3   -3
        // acc/4:        0.5 -0.5 1.5 -1.5 .25 -.25 .75 -.75
        XCTAssertEqual([2, -2, 6, -6, 1, -1, 3, -3].map { quarter.scaled($0) }, [1, 0, 2, -1, 0, 0, 1, -1])
        let threeQuarters = try FixedPointMultiplier(0.75)
        XCTAssertEqual([-2, -3, 2, 3].map { threeQuarters.scaled($0) }, [-1, -2, 2, 2])  // -1.5, -2.25, 1.5, 2.25
    }

    func testScaledAtTheAccumulatorExtremes() {
        // The largest multiplier and the smallest shift on the widest accumulators: no overflow.
        let big = FixedPointMultiplier(multiplier: Int32.max, shift: 1)
        XCTAssertEqual(big.scaled(Int64(Int32.max)), (Int64(Int32.max) * Int64(Int32.max) + 1) >> 1)
        XCTAssertEqual(big.scaled(Int64(Int32.min)), (Int64(Int32.min) * Int64(Int32.max) + 1) >> 1)
        let tiny = FixedPointMultiplier(multiplier: 1, shift: 62)
        XCTAssertEqual(tiny.scaled(Int64(Int32.min)), 0)
    }

    // MARK: Requantization

    func testRequantizationCodeAddsZeroPointAndClamps() throws {
        // Ratio 0.5 * 0.25 / 0.125 = 1; ReLU6 at scale 1/8 and zero point 3 keeps codes 3...51.
        let r = try Requantization(inputScale: 0.5, weightScales: [0.25, 0.0625], output: QuantizationParameters(scale: 0.125, zeroPoint: 3),
                                   activation: .relu6)
        XCTAssertEqual(r.clamp, 3...51)
        XCTAssertEqual([r.multipliers[0].multiplier, r.multipliers[0].shift], [1 << 30, 30])
        XCTAssertEqual([7, 100, -10, 0].map { r.code($0, channel: 0) }, [10, 51, 3, 3])
        // Channel 1: ratio 1/4. 10 / 4 = 2.5 -> 3, + 3.
        XCTAssertEqual(r.code(10, channel: 1), 6)
        let linear = try Requantization(inputScale: 1, weightScales: [1], output: QuantizationParameters(scale: 1, zeroPoint: -5),
                                        activation: .none)
        XCTAssertEqual(linear.clamp, -128...127)
        XCTAssertEqual([0, 200, -200, -123].map { linear.code($0, channel: 0) }, [-5, 127, -128, -128])
    }

    // MARK: QuantizedWeights

    func testWeightsAreSymmetricPerChannel() throws {
        let w = try QuantizedWeights([63.5, -127, 31.75, 0, 0, 0, -31.75, 63.5, -47.625], outputChannels: 3)
        XCTAssertEqual(w.scales, [1, 1, 0.5])
        // Ties away from zero: 63.5 -> 64, 31.75 / 0.5 = 63.5 -> 64, -63.5 -> -64; -95.25 -> -95.
        XCTAssertEqual(w.values, [64, -127, 32, 0, 0, 0, -64, 127, -95])
        XCTAssertEqual(w.outputChannels, 3)
        XCTAssertThrowsError(try QuantizedWeights([1, 2, 3], outputChannels: 2))
        XCTAssertThrowsError(try QuantizedWeights([1, 2], outputChannels: 0))
    }

    func testBiasInAccumulatorUnits() throws {
        let w = try QuantizedWeights([127, 0, 0, 63.5], outputChannels: 2)
        XCTAssertEqual(w.scales, [1, 0.5])
        // 0.75 / (0.5 * 1) = 1.5 -> 2; -0.75 / (0.5 * 0.5) = -3; ties away from zero.
        XCTAssertEqual(try w.quantizedBias([0.75, -0.75], inputScale: 0.5), [2, -3])
        XCTAssertEqual(try w.quantizedBias([-0.75, 0.625], inputScale: 0.5), [-2, 3])  // -1.5 -> -2, 2.5 -> 3
        // Saturates to Int32.
        XCTAssertEqual(try w.quantizedBias([1e30, -1e30], inputScale: 0.5), [Int32.max, Int32.min])
        XCTAssertThrowsError(try w.quantizedBias([1], inputScale: 0.5))
    }
}
