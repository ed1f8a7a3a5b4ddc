import Foundation
import XCTest
@testable import Kernels

/// Runs each test body on every path the C-backed int8 kernels (depthwise, stem, add) have on this
/// CPU: the SIMD one (AVX2 / NEON) when present, then the portable C one; restores the detected
/// instruction set afterwards.
class Int8KernelTestCase: XCTestCase {
    override func tearDown() {
        InstructionSet.force(InstructionSet.detected)
        super.tearDown()
    }

    /// The paths `forEachPath` visits on this CPU.
    func paths() -> [String] {
        InstructionSet.force(InstructionSet.detected)
        let best = Int8Kernel.path
        return best == "portable" ? ["portable"] : [best, "portable"]
    }

    /// `body(path)` once per path, with the kernels switched to it.
    func forEachPath(_ body: (String) throws -> Void) rethrows {
        for path in paths() {
            let portable = path == "portable"
            InstructionSet.force(portable ? .portable : InstructionSet.detected)
            XCTAssertEqual(Int8Kernel.path, path)
            try body(path)
        }
        InstructionSet.force(InstructionSet.detected)
    }
}

/// `count` codes uniform over -128...127.
func randomCodes(_ count: Int, using rng: inout SeededGenerator) -> [Int8] {
    (0..<count).map { _ in Int8.random(in: .min ... .max, using: &rng) }
}

/// A zero point: the extremes a third of the time each, else any code.
func randomZeroPoint(using rng: inout SeededGenerator) -> Int32 {
    switch Int.random(in: 0..<3, using: &rng) {
    case 0: -128
    case 1: 127
    default: Int32.random(in: -128...127, using: &rng)
    }
}

/// Weights whose codes are exactly `codes`: every run of `run` codes must hold a +-127 (its scale
/// is then 1), which `randomWeightCodes` guarantees.
func exactWeights(_ codes: [Int8], outputChannels: Int) throws -> QuantizedWeights {
    let weights = try QuantizedWeights(codes.map(Float.init), outputChannels: outputChannels)
    precondition(weights.values == codes, "every filter needs a +-127")
    return weights
}

/// `channels` runs of `run` codes in -127...127, each holding a +-127 somewhere.
func randomWeightCodes(channels: Int, run: Int, using rng: inout SeededGenerator) -> [Int8] {
    var codes = (0..<(channels * run)).map { _ in Int8.random(in: -127...127, using: &rng) }
    for c in 0..<channels { codes[c * run + Int.random(in: 0..<run, using: &rng)] = Bool.random(using: &rng) ? 127 : -127 }
    return codes
}

/// The requantization regimes the kernels treat differently: every shift >= 33 (the fast forms),
/// some channels with a real multiplier of 1/4 or more (the 64-bit general forms), tiny
/// multipliers (shift capped at 62), and huge ones that saturate.
enum MultiplierRegime: CaseIterable {
    case ordinary, mixed, tiny, huge

    func real(using rng: inout SeededGenerator) -> Double {
        switch self {
        case .ordinary: Double.pow2(Double.random(in: -24 ... -2.01, using: &rng))
        case .mixed: Double.pow2(Double.random(in: -10...3, using: &rng))
        case .tiny: Double.pow2(Double.random(in: -40 ... -28, using: &rng))
        case .huge: Double.pow2(Double.random(in: 3...20, using: &rng))
        }
    }
}

extension Double {
    static func pow2(_ x: Double) -> Double { Foundation.pow(2, x) }
}

/// A requantization of `channels` channels writing codes with zero point `zo`, whose multipliers
/// follow `regime`, clamped by `activation` at an output scale drawn so that ReLU6 covers from a
/// few codes to all of them.
func randomRequantization(channels: Int, zo: Int32, activation: ActivationClamp, regime: MultiplierRegime,
                          using rng: inout SeededGenerator) throws -> Requantization {
    let outputScale = Float(Double.pow2(Double.random(in: -6...0, using: &rng)))
    let output = try QuantizationParameters(scale: outputScale, zeroPoint: zo)
    let reals = (0..<channels).map { _ in regime.real(using: &rng) }
    return try Requantization(inputScale: 1, weightScales: reals.map { Float($0 * Double(outputScale)) },
                              output: output, activation: activation)
}

/// A tensor of random codes with scale 1 and zero point `zx`.
func randomInput(height: Int, width: Int, channels: Int, zx: Int32, using rng: inout SeededGenerator) throws -> QuantizedTensor {
    try QuantizedTensor(height: height, width: width, channels: channels, values: randomCodes(height * width * channels, using: &rng),
                        parameters: QuantizationParameters(scale: 1, zeroPoint: zx))
}

/// Asserts equal codes, naming the first difference.
func assertSameCodes(_ actual: QuantizedTensor, _ expected: QuantizedTensor, _ what: @autoclosure () -> String,
                     file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual([actual.height, actual.width, actual.channels], [expected.height, expected.width, expected.channels],
                   "\(what()): shape", file: file, line: line)
    XCTAssertEqual(actual.parameters, expected.parameters, "\(what()): parameters", file: file, line: line)
    guard actual.values != expected.values else { return }
    let i = actual.values.indices.first { !expected.values.indices.contains($0) || actual.values[$0] != expected.values[$0] } ?? 0
    let c = Swift.max(expected.channels, 1), p = i / c
    XCTFail("\(what()): code \(i) (position \(p / Swift.max(expected.width, 1)), \(p % Swift.max(expected.width, 1)), channel \(i % c)) is \(actual.values.indices.contains(i) ? actual.values[i] : 0), expected \(expected.values.indices.contains(i) ? expected.values[i] : 0)",
            file: file, line: line)
}

final class Int8DepthwiseConvolutionTests: Int8KernelTestCase {
    /// The SIMD path is the one that runs: NEON on AArch64 (with the dot-product extension the
    /// stem's sdot needs, which cpu_features.c detects), AVX2 on an x86-64 CPU that has it.
    func testSIMDPathRunsWhereTheCPUHasIt() throws {
        let all = paths()
        print("int8 depthwise/stem/add paths on this CPU: \(all.joined(separator: ", ")) (detected instruction set \(InstructionSet.detected.rawValue))")
        #if arch(arm64)
        XCTAssertEqual(all.first, InstructionSet.detected == .portable ? "portable" : "neon")
        #elseif arch(x86_64)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if flags.contains(" avx2") { XCTAssertEqual(all, ["avx2", "portable"]) }
        #endif
        XCTAssertEqual(all.last, "portable")
    }

    private func randomLayer(channels: Int, kernel: Int, stride: Int, zx: Int32, zo: Int32, activation: ActivationClamp,
                             regime: MultiplierRegime, using rng: inout SeededGenerator) throws -> QuantizedDepthwiseConvolution {
        let weights = try exactWeights(randomWeightCodes(channels: channels, run: kernel * kernel, using: &rng), outputChannels: channels)
        let bias = (0..<channels).map { _ in Int32.random(in: -(1 << 17)...(1 << 17), using: &rng) }
        return try QuantizedDepthwiseConvolution(
            kernelSize: kernel, stride: stride, weights: weights, bias: bias, input: QuantizationParameters(scale: 1, zeroPoint: zx),
            requantization: randomRequantization(channels: channels, zo: zo, activation: activation, regime: regime, using: &rng))
    }

    func testMatchesReferenceOnRandomShapes() throws {
        try forEachPath { path in
            var rng = SeededGenerator(seed: 0xDE9)
            for trial in 0..<192 {
                // Every kernel x stride x activation x regime combination comes up 6 times.
                let kernel = [3, 5][trial % 2], stride = [1, 2][(trial / 2) % 2]
                let activation = ActivationClamp.allCases[(trial / 4) % 2]
                let regime = MultiplierRegime.allCases[(trial / 8) % 4]
                let channels = Int.random(in: 1...37, using: &rng)
                let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
                let zx = randomZeroPoint(using: &rng), zo = randomZeroPoint(using: &rng)
                let layer = try randomLayer(channels: channels, kernel: kernel, stride: stride, zx: zx, zo: zo,
                                            activation: activation, regime: regime, using: &rng)
                let x = try randomInput(height: height, width: width, channels: channels, zx: zx, using: &rng)
                assertSameCodes(layer.apply(x), layer.applyReference(x),
                                "\(path) trial \(trial): \(height)x\(width)x\(channels) k\(kernel) s\(stride) \(activation) \(regime) zx \(zx) zo \(zo)")
            }
        }
    }

    func testOtherKernelsAndStridesMatchReference() throws {
        try forEachPath { path in
            var rng = SeededGenerator(seed: 0xDEA)
            for (kernel, stride) in [(1, 1), (1, 2), (2, 2), (4, 1), (7, 1), (3, 3), (5, 4), (7, 2)] {
                for channels in [5, 16, 21] {
                    let layer = try randomLayer(channels: channels, kernel: kernel, stride: stride, zx: -7, zo: 4, activation: .relu6,
                                                regime: .mixed, using: &rng)
                    let x = try randomInput(height: 13, width: 11, channels: channels, zx: -7, using: &rng)
                    assertSameCodes(layer.apply(x), layer.applyReference(x), "\(path) k\(kernel) s\(stride) c\(channels)")
                }
            }
        }
    }

    func testEfficientNetShapesMatchReferenceOnTwoThreads() throws {
        let before = int8ThreadCount
        defer { Kernels.setThreadCount(before) }
        Kernels.setThreadCount(2)
        try forEachPath { path in
            var rng = SeededGenerator(seed: 0xDEB)
            // (size, channels, kernel, stride), scaled down where the reference would be slow.
            for (size, channels, kernel, stride) in [(56, 32, 3, 1), (28, 96, 3, 2), (28, 144, 5, 2), (28, 240, 5, 1),
                                                     (14, 480, 3, 1), (14, 672, 5, 1)] {
                let layer = try randomLayer(channels: channels, kernel: kernel, stride: stride, zx: -128, zo: -128,
                                            activation: .relu6, regime: .ordinary, using: &rng)
                let x = try randomInput(height: size, width: size, channels: channels, zx: -128, using: &rng)
                assertSameCodes(layer.apply(x), layer.applyReference(x), "\(path) \(size)x\(size)x\(channels) k\(kernel) s\(stride)")
            }
        }
    }

    /// Each tile of 16 channels picks its requantization form: here only the middle tile has a
    /// channel whose shift is below the fast form's (real multiplier 1/2), the others keep it.
    func testRequantizationFormIsChosenPerTile() throws {
        var rng = SeededGenerator(seed: 0xDEC)
        for (kernel, stride) in [(3, 1), (3, 2), (5, 1), (5, 2)] {
            let channels = 45
            let weights = try exactWeights(randomWeightCodes(channels: channels, run: kernel * kernel, using: &rng), outputChannels: channels)
            var reals = (0..<channels).map { _ in Float(MultiplierRegime.ordinary.real(using: &rng)) }
            reals[16 + Int.random(in: 0..<16, using: &rng)] = 0.5
            let requantization = try Requantization(inputScale: 1, weightScales: reals.map { $0 * 0.25 },
                                                    output: QuantizationParameters(scale: 0.25, zeroPoint: 3), activation: .relu6)
            let layer = try QuantizedDepthwiseConvolution(
                kernelSize: kernel, stride: stride, weights: weights,
                bias: (0..<channels).map { _ in Int32.random(in: -5000...5000, using: &rng) },
                input: QuantizationParameters(scale: 1, zeroPoint: -20), requantization: requantization)
            let x = try randomInput(height: 9, width: 12, channels: channels, zx: -20, using: &rng)
            forEachPath { path in assertSameCodes(layer.apply(x), layer.applyReference(x), "\(path) k\(kernel) s\(stride)") }
        }
    }

    /// A 4x4 input holding x - zx = 1...16, a 3x3 box of weight 127 and multiplier 1/127: each
    /// output is zo + the sum of its window. TensorFlow "same" for size 4, k3, s2: 0 before, 1
    /// after, so output (0, 0) sums rows/columns 0-2 and output (1, 1) rows/columns 2-3.
    func testStrideTwoOnEvenSizePadsOnlyAfter() throws {
        let (zx, zo): (Int32, Int32) = (5, -3)
        let layer = try QuantizedDepthwiseConvolution(
            kernelSize: 3, stride: 2, weights: exactWeights([Int8](repeating: 127, count: 9), outputChannels: 1), bias: [0],
            input: QuantizationParameters(scale: 1, zeroPoint: zx),
            requantization: Requantization(inputScale: 1, weightScales: [Float(1) / 127], output: QuantizationParameters(scale: 1, zeroPoint: zo),
                                           activation: .none))
        let x = try QuantizedTensor(height: 4, width: 4, channels: 1, values: (1...16).map { Int8($0 + 5) },
                                    parameters: QuantizationParameters(scale: 1, zeroPoint: zx))
        forEachPath { path in
            let y = layer.apply(x)
            XCTAssertEqual([y.height, y.width], [2, 2], path)
            // 1+2+3+5+6+7+9+10+11, 3+4+7+8+11+12, 9+10+11+13+14+15, 11+12+15+16, each + zo
            XCTAssertEqual(y.values, [51, 42, 69, 51], path)
        }
    }

    /// 5x5, k3, s2: one padding on every side, so the corners see 2x2 windows.
    func testStrideTwoOnOddSizePadsBothSides() throws {
        let layer = try QuantizedDepthwiseConvolution(
            kernelSize: 3, stride: 2, weights: exactWeights([Int8](repeating: 127, count: 9), outputChannels: 1), bias: [0],
            input: QuantizationParameters(scale: 1, zeroPoint: -128),
            requantization: Requantization(inputScale: 1, weightScales: [Float(1) / 127], output: QuantizationParameters(scale: 1, zeroPoint: -128),
                                           activation: .none))
        // x - zx = 1...25 / 5 rounded down, kept small so sums stay codes: rows of 0, 1, 2, 3, 4.
        let x = try QuantizedTensor(height: 5, width: 5, channels: 1, values: (0..<25).map { Int8($0 / 5 - 128) },
                                    parameters: QuantizationParameters(scale: 1, zeroPoint: -128))
        forEachPath { path in
            let y = layer.apply(x)
            XCTAssertEqual([y.height, y.width], [3, 3], path)
            // Output row 0 reads input rows 0-1 (0 + 1, 2 or 3 columns), row 1 rows 1-3, row 2 rows 3-4.
            XCTAssertEqual(y.values.map { Int($0) + 128 }, [2, 3, 2, 12, 18, 12, 14, 21, 14], path)
        }
    }

    /// Inputs at the zero point leave acc = bias; biases chosen so that acc * multiplier falls on
    /// ties. Multipliers 1/2 and 4 (shifts 31 and 29) take the general 64-bit forms; a layer of
    /// 1/8 only (shift 33) the fast forms.
    func testRequantizationRoundsTiesTowardPlusInfinity() throws {
        for (bias, reals, expected) in [
            ([5, -5, 3, -3, 20, -20, 0], [0.5, 0.5, 0.5, 0.5, 4, 4, 4], [3, -2, 2, -1, 80, -80, 0]),
            ([12, -12, 4, -4, 1, -1, 20], [0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125], [2, -1, 1, 0, 0, 0, 3]),
        ] as [([Int32], [Float], [Int8])] {
            let c = bias.count
            let layer = try QuantizedDepthwiseConvolution(
                kernelSize: 3, stride: 1, weights: exactWeights([Int8](repeating: 127, count: 9 * c), outputChannels: c), bias: bias,
                input: QuantizationParameters(scale: 1, zeroPoint: 9),
                requantization: Requantization(inputScale: 1, weightScales: reals, output: QuantizationParameters(scale: 1, zeroPoint: 0),
                                               activation: .none))
            let x = try QuantizedTensor(height: 2, width: 3, channels: c, values: [Int8](repeating: 9, count: 6 * c),
                                        parameters: QuantizationParameters(scale: 1, zeroPoint: 9))
            forEachPath { path in
                let y = layer.apply(x)
                for p in 0..<6 { XCTAssertEqual(Array(y.values[(p * c)..<(p * c + c)]), expected, "\(path) \(reals) position \(p)") }
            }
        }
    }

    func testClampsToReluSixCodes() throws {
        // Output scale 1/8, zero point -100: ReLU6 keeps codes -100...-52.
        let layer = try QuantizedDepthwiseConvolution(
            kernelSize: 3, stride: 1, weights: exactWeights([Int8](repeating: 127, count: 27), outputChannels: 3), bias: [-1000, 1000, 160],
            input: QuantizationParameters(scale: 1, zeroPoint: 0),
            requantization: Requantization(inputScale: 1, weightScales: [Float](repeating: 1.0 / 64, count: 3),
                                           output: QuantizationParameters(scale: 0.125, zeroPoint: -100), activation: .relu6))
        XCTAssertEqual(layer.requantization.clamp, -100 ... -52)
        let x = try QuantizedTensor(height: 1, width: 1, channels: 3, values: [0, 0, 0], parameters: QuantizationParameters(scale: 1, zeroPoint: 0))
        forEachPath { path in
            // -1000 / 8 -> clamped low; 1000 / 8 -> clamped high; 160 / 8 = 20 -> -80.
            XCTAssertEqual(layer.apply(x).values, [-100, -52, -80], path)
        }
    }
}
