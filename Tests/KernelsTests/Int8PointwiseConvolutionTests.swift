import XCTest
@testable import Kernels

/// The instruction sets this CPU can run, the detected one first (each test runs on all).
var int8InstructionSets: [InstructionSet] {
    InstructionSet.detected == .portable ? [.portable] : [InstructionSet.detected, .portable]
}

/// Runs `body` with the int8 kernels forced to each instruction set this CPU has, then restores
/// the detected one and a single thread.
func forEachInstructionSet(threads: [Int] = [1, 2], _ body: (InstructionSet, Int) throws -> Void) rethrows {
    defer {
        InstructionSet.force(InstructionSet.detected)
        setThreadCount(1)
    }
    for isa in int8InstructionSets {
        XCTAssertTrue(InstructionSet.force(isa), "cannot force \(isa)")
        XCTAssertEqual(InstructionSet.current, isa)
        for t in threads {
            setThreadCount(t)
            try body(isa, t)
        }
    }
}

final class Int8PointwiseConvolutionTests: XCTestCase {
    override func tearDown() {
        InstructionSet.force(InstructionSet.detected)
        setThreadCount(1)
        super.tearDown()
    }

    func testReportsTheInstructionSets() {
        // Which paths this run exercises, for the log (the arm64 build must show neon-dotprod).
        print("int8 kernels: detected \(InstructionSet.detected.rawValue), current \(InstructionSet.current.rawValue), testing \(int8InstructionSets.map(\.rawValue))")
        XCTAssertEqual(InstructionSet.current, InstructionSet.detected)
        #if arch(x86_64)
        // Every build and test machine and every x86-64 board candidate has AVX2; a portable-only run would test less.
        XCTAssertEqual(InstructionSet.detected, .avx2)
        #elseif arch(arm64)
        XCTAssertEqual(InstructionSet.detected, .neonDot)
        #endif
    }

    /// Two positions, three channels with hand-computed outputs, including ties in both directions
    /// (rounding is to nearest with ties toward +infinity) and the clamps.
    func testHandComputedCase() throws {
        let input = try QuantizationParameters(scale: 0.5, zeroPoint: 1)
        let output = try QuantizationParameters(scale: 1, zeroPoint: 2)
        // Codes [127, -64] (scale 1), [127, 127] (scale 0.5), [-127, -126] (scale 1).
        let weights: [Float] = [127, -64, 63.5, 63.5, -127, -126]
        let bias: [Float] = [5, -1.5, 1.5]   // codes 10, -6, 3
        let x = try QuantizedTensor(height: 1, width: 2, channels: 2, values: [2, 0, -128, 127], parameters: input)
        // Position 0, x - zx = [1, -1]: acc 201, -6, 2 -> 100.5, -1.5, 1 -> 101, -1, 1 -> +2.
        // Position 1, x - zx = [-129, 126]: acc -24437, -387, 510 -> -12218, -97, 255 -> +2, clamped.
        let expected: [ActivationClamp: [Int8]] = [.none: [103, 1, 3, -128, -95, 127], .relu6: [8, 2, 3, 2, 2, 8]]
        for activation in ActivationClamp.allCases {
            let layer = try QuantizedPointwiseConvolution(inChannels: 2, outChannels: 3, weights: weights, bias: bias,
                                                          input: input, output: output, activation: activation)
            XCTAssertEqual(layer.weights.values, [127, -64, 127, 127, -127, -126])
            XCTAssertEqual(layer.bias, [10, -6, 3])
            XCTAssertEqual(layer.applyReference(x).values, expected[activation], "reference, \(activation)")
            forEachInstructionSet { isa, threads in
                XCTAssertEqual(layer.apply(x).values, expected[activation], "\(isa) \(threads) threads, \(activation)")
            }
        }
    }

    func testMatchesReferenceOnRandomShapes() throws {
        var rng = SeededGenerator(seed: 0x8A1)
        var cases: [(QuantizedPointwiseConvolution, QuantizedTensor, [Int8], String)] = []
        for trial in 0..<150 {
            let k = trial < 70 ? trial + 1 : Int.random(in: 1...70, using: &rng)
            let n = Int.random(in: 1...70, using: &rng)
            let (h, w) = trial % 10 == 0 ? (1, 1) : (Int.random(in: 1...9, using: &rng), Int.random(in: 1...9, using: &rng))
            let zeroPoints: [Int32] = [-128, 127, Int32.random(in: -128...127, using: &rng)]
            let (layer, x) = try randomCase(k: k, n: n, height: h, width: w, inputZero: zeroPoints[trial % 3],
                                            outputZero: zeroPoints[(trial / 3) % 3],
                                            activation: trial % 2 == 0 ? .relu6 : .none, extremeBias: trial % 7 == 3,
                                            shortShifts: trial % 4 == 1, using: &rng)
            cases.append((layer, x, layer.applyReference(x).values, "trial \(trial): \(h)x\(w) \(k)->\(n)"))
        }
        forEachInstructionSet { isa, threads in
            for (layer, x, expected, what) in cases {
                XCTAssertEqual(layer.apply(x).values, expected, "\(what) on \(isa), \(threads) threads")
            }
        }
    }

    /// The network's shapes (K and N of EfficientNet-Lite0's 1x1 convolutions) on a few positions.
    func testMatchesReferenceOnNetworkShapes() throws {
        var rng = SeededGenerator(seed: 0x8A2)
        let shapes = [(32, 16), (16, 96), (96, 24), (24, 144), (144, 24), (144, 40), (40, 240), (240, 40),
                      (240, 80), (80, 480), (480, 80), (480, 112), (112, 672), (672, 112)]
        var cases: [(QuantizedPointwiseConvolution, QuantizedTensor, [Int8], String)] = []
        for (index, (k, n)) in shapes.enumerated() {
            let (layer, x) = try randomCase(k: k, n: n, height: 5, width: 7, inputZero: Int32.random(in: -128...127, using: &rng),
                                            outputZero: Int32.random(in: -128...127, using: &rng),
                                            activation: index % 2 == 0 ? .relu6 : .none, extremeBias: false,
                                            shortShifts: index % 3 != 0, using: &rng)
            cases.append((layer, x, layer.applyReference(x).values, "5x7 \(k)->\(n)"))
        }
        forEachInstructionSet { isa, threads in
            for (layer, x, expected, what) in cases {
                XCTAssertEqual(layer.apply(x).values, expected, "\(what) on \(isa), \(threads) threads")
            }
        }
    }

    /// Changing any single weight must change the packed kernel's output somewhere: the test
    /// above could not notice a kernel that ignores, say, the last K pair otherwise.
    func testEveryWeightMatters() throws {
        var rng = SeededGenerator(seed: 0x8A3)
        let k = 13, n = 11
        let input = try QuantizationParameters(scale: 0.02, zeroPoint: -5)
        let output = try QuantizationParameters(scale: 0.16, zeroPoint: 0)   // multiplier about 1e-3
        let x = try QuantizedTensor(height: 1, width: 7, channels: k,
                                    values: (0..<(7 * k)).map { _ in Int8.random(in: 60...127, using: &rng) }, parameters: input)
        var weights = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        for o in 0..<n { weights[o * k] = 1 }   // every channel's scale 1/127
        let base = try QuantizedPointwiseConvolution(inChannels: k, outChannels: n, weights: weights, bias: [Float](repeating: 0, count: n),
                                                     input: input, output: output, activation: .none).apply(x).values
        for index in 0..<(k * n) where index % k != 0 {
            var changed = weights
            changed[index] += changed[index] > 0 ? -0.5 : 0.5
            let layer = try QuantizedPointwiseConvolution(inChannels: k, outChannels: n, weights: changed, bias: [Float](repeating: 0, count: n),
                                                          input: input, output: output, activation: .none)
            let y = layer.apply(x).values
            XCTAssertNotEqual(y, base, "weight \(index)")
            XCTAssertEqual(y, layer.applyReference(x).values, "weight \(index)")
        }
    }

    func testEmptyImageGivesEmptyOutput() throws {
        var rng = SeededGenerator(seed: 0x8A4)
        let (layer, _) = try randomCase(k: 5, n: 3, height: 1, width: 1, inputZero: 0, outputZero: 0, activation: .none,
                                        extremeBias: false, shortShifts: true, using: &rng)
        let empty = try QuantizedTensor(height: 0, width: 4, channels: 5, values: [], parameters: layer.input)
        let y = layer.apply(empty)
        XCTAssertEqual([y.height, y.width, y.channels, y.values.count], [0, 4, 3, 0])
    }

    /// A layer with random weights and scales spread so the fixed-point shifts cover 2...62 (or,
    /// with `shortShifts`, only 33...62, multipliers below 1/4, where the AVX2 and NEON kernels use
    /// the fast form of requantize.h), and an input of random codes.
    private func randomCase(k: Int, n: Int, height: Int, width: Int, inputZero: Int32, outputZero: Int32,
                            activation: ActivationClamp, extremeBias: Bool, shortShifts: Bool,
                            using rng: inout SeededGenerator) throws -> (QuantizedPointwiseConvolution, QuantizedTensor) {
        let input = try QuantizationParameters(scale: Float.random(in: 0.01...0.1, using: &rng), zeroPoint: inputZero)
        let output = try QuantizationParameters(scale: Float.random(in: 0.01...0.1, using: &rng), zeroPoint: outputZero)
        let floats = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
        let weights = try QuantizedWeights(floats, outputChannels: n)
        // Real multipliers from 2^-31 to 2^28: shifts from 62 down to 2 (below 1/4: 33 at least).
        let exponents = shortShifts ? -31...(-3) : -31...28
        let weightScales = (0..<n).map { _ in output.scale / input.scale * Float(sign: .plus, exponent: Int.random(in: exponents, using: &rng),
                                                                                  significand: Float.random(in: 1..<2, using: &rng)) }
        let requantization = try Requantization(inputScale: input.scale, weightScales: weightScales, output: output, activation: activation)
        // |sum| <= k * 255 * 127; the bias keeps acc inside Int32 (the reference traps otherwise).
        let largest = Int32.max - Int32(k * 255 * 127)
        let bias = (0..<n).map { _ in extremeBias ? Int32.random(in: -largest...largest, using: &rng) : Int32.random(in: -100_000...100_000, using: &rng) }
        let layer = try QuantizedPointwiseConvolution(inChannels: k, weights: weights, bias: bias, input: input, requantization: requantization)
        let x = try QuantizedTensor(height: height, width: width, channels: k,
                                    values: (0..<(height * width * k)).map { _ in Int8.random(in: -128...127, using: &rng) }, parameters: input)
        return (layer, x)
    }
}
