import XCTest
@testable import Kernels

final class Int8AddTests: Int8KernelTestCase {
    func testMatchesReferenceOnRandomShapes() throws {
        try forEachPath { path in
            var rng = SeededGenerator(seed: 0xADD)
            for trial in 0..<160 {
                // Scales a factor 2^+-3 apart (every add of a network), and now and then ratios so
                // far apart that the shift leaves the SIMD form's range (the portable fallback).
                let spread: ClosedRange<Double> = trial % 8 == 7 ? -30...30 : -3...3
                let scale = { (rng: inout SeededGenerator) in Float(Double.pow2(Double.random(in: spread, using: &rng)) * 0.05) }
                let a = try QuantizationParameters(scale: scale(&rng), zeroPoint: randomZeroPoint(using: &rng))
                let b = try QuantizationParameters(scale: scale(&rng), zeroPoint: randomZeroPoint(using: &rng))
                let o = try QuantizationParameters(scale: scale(&rng), zeroPoint: randomZeroPoint(using: &rng))
                let add = QuantizedAdd(a: a, b: b, output: o)
                let h = Int.random(in: 1...17, using: &rng), w = Int.random(in: 1...17, using: &rng), c = Int.random(in: 1...37, using: &rng)
                let x = try QuantizedTensor(height: h, width: w, channels: c, values: randomCodes(h * w * c, using: &rng), parameters: a)
                let y = try QuantizedTensor(height: h, width: w, channels: c, values: randomCodes(h * w * c, using: &rng), parameters: b)
                assertSameCodes(add.apply(x, y), add.applyReference(x, y), "\(path) trial \(trial): \(h)x\(w)x\(c) shift \(add.shift) \(a) + \(b) -> \(o)")
            }
        }
    }

    func testEfficientNetShapesOnTwoThreads() throws {
        let before = int8ThreadCount
        defer { Kernels.setThreadCount(before) }
        Kernels.setThreadCount(2)
        var rng = SeededGenerator(seed: 0xADE)
        for (size, channels) in [(56, 24), (28, 40), (14, 80), (14, 112), (112, 16)] {
            let a = try QuantizationParameters(scale: 0.031, zeroPoint: 3), b = try QuantizationParameters(scale: 0.022, zeroPoint: -9)
            let o = try QuantizationParameters(scale: 0.04, zeroPoint: -1)
            let add = QuantizedAdd(a: a, b: b, output: o)
            let n = size * size * channels
            let x = try QuantizedTensor(height: size, width: size, channels: channels, values: randomCodes(n, using: &rng), parameters: a)
            let y = try QuantizedTensor(height: size, width: size, channels: channels, values: randomCodes(n, using: &rng), parameters: b)
            let expected = add.applyReference(x, y)
            forEachPath { path in assertSameCodes(add.apply(x, y), expected, "\(path) \(size)x\(size)x\(channels)") }
        }
    }

    /// Equal input scales, output scale twice theirs: y = (a - za + b - zb) / 2 + zo, ties toward
    /// +infinity. Ratio 1/2 gives shift 30 and multipliers 2^29.
    func testHalfSumRoundsTiesTowardPlusInfinity() throws {
        let unit = try QuantizationParameters(scale: 1, zeroPoint: 0)
        let add = QuantizedAdd(a: unit, b: try QuantizationParameters(scale: 1, zeroPoint: 10),
                               output: try QuantizationParameters(scale: 2, zeroPoint: -1))
        XCTAssertEqual([add.multiplierA, add.multiplierB, add.shift], [1 << 29, 1 << 29, 30])
        //            a:   1    -1    -3     3   127   -128  -128    0
        //            b:  10    10    10    10   127   -128    20   11   (b - zb: 0 0 0 0 117 -138 10 1)
        // (sum) / 2:  0.5 -0.5  -1.5   1.5   122  -133    -59  0.5
        let a: [Int8] = [1, -1, -3, 3, 127, -128, -128, 0], b: [Int8] = [10, 10, 10, 10, 127, -128, 20, 11]
        let expected: [Int8] = [0, -1, -2, 1, 121, -128, -60, 0]
        // Twice over, so that 16 codes go through the vector loop.
        let x = try QuantizedTensor(height: 1, width: 16, channels: 1, values: a + a, parameters: unit)
        let y = try QuantizedTensor(height: 1, width: 16, channels: 1, values: b + b, parameters: add.b)
        forEachPath { path in XCTAssertEqual(add.apply(x, y).values, expected + expected, path) }
    }

    func testSaturatesBothEnds() throws {
        let p = try QuantizationParameters(scale: 1, zeroPoint: 0)
        let add = QuantizedAdd(a: p, b: p, output: p)
        let x = try QuantizedTensor(height: 4, width: 4, channels: 1, values: [Int8](repeating: 100, count: 8) + [Int8](repeating: -100, count: 8), parameters: p)
        forEachPath { path in
            XCTAssertEqual(add.apply(x, x).values, [Int8](repeating: 127, count: 8) + [Int8](repeating: -128, count: 8), path)
        }
    }
}
