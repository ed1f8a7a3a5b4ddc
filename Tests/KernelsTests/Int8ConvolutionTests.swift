import XCTest
@testable import Kernels

final class Int8ConvolutionTests: Int8KernelTestCase {
    private func randomLayer(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, zx: Int32, zo: Int32,
                             activation: ActivationClamp, regime: MultiplierRegime,
                             using rng: inout SeededGenerator) throws -> QuantizedConvolution {
        let weights = try exactWeights(randomWeightCodes(channels: outChannels, run: inChannels * kernel * kernel, using: &rng),
                                       outputChannels: outChannels)
        let bias = (0..<outChannels).map { _ in Int32.random(in: -(1 << 18)...(1 << 18), using: &rng) }
        return try QuantizedConvolution(
            inChannels: inChannels, kernelSize: kernel, stride: stride, weights: weights, bias: bias,
            input: QuantizationParameters(scale: 1, zeroPoint: zx),
            requantization: randomRequantization(channels: outChannels, zo: zo, activation: activation, regime: regime, using: &rng))
    }

    func testMatchesReferenceOnRandomShapes() throws {
        try forEachPath { path in
            var rng = SeededGenerator(seed: 0xC0E)
            for trial in 0..<160 {
                let kernel = [3, 5, 1, 2][trial % 4], stride = [1, 2, 3][(trial / 4) % 3]
                let activation = ActivationClamp.allCases[(trial / 12) % 2]
                let regime = MultiplierRegime.allCases[(trial / 24) % 4]
                let inChannels = trial % 3 == 0 ? 3 : Int.random(in: 1...6, using: &rng)
                let outChannels = trial % 5 == 0 ? 32 : Int.random(in: 1...37, using: &rng)
                let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
                let zx = randomZeroPoint(using: &rng), zo = randomZeroPoint(using: &rng)
                let layer = try randomLayer(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                                            zx: zx, zo: zo, activation: activation, regime: regime, using: &rng)
                let x = try randomInput(height: height, width: width, channels: inChannels, zx: zx, using: &rng)
                assertSameCodes(layer.apply(x), layer.applyReference(x),
                                "\(path) trial \(trial): \(height)x\(width)x\(inChannels)->\(outChannels) k\(kernel) s\(stride) \(activation) \(regime) zx \(zx) zo \(zo)")
            }
        }
    }

    /// The stem itself: 224x224 RGB, 3x3 stride 2 to 32 channels (0 padding before, 1 after).
    func testStemShapeMatchesReferenceOnTwoThreads() throws {
        let before = int8ThreadCount
        defer { Kernels.setThreadCount(before) }
        Kernels.setThreadCount(2)
        var rng = SeededGenerator(seed: 0xC0F)
        let layer = try randomLayer(inChannels: 3, outChannels: 32, kernel: 3, stride: 2, zx: -1, zo: -128,
                                    activation: .relu6, regime: .ordinary, using: &rng)
        let bytes = (0..<(224 * 224 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let image = try QuantizedTensor.imageInput(rgb: bytes, width: 224, height: 224)
        let x = try QuantizedTensor(height: 224, width: 224, channels: 3, values: image.values, parameters: layer.input)
        let expected = layer.applyReference(x)
        forEachPath { path in
            let y = layer.apply(x)
            XCTAssertEqual([y.height, y.width, y.channels], [112, 112, 32], path)
            assertSameCodes(y, expected, "\(path) stem")
        }
    }

    /// One input channel holding x - zx = 1...16 (4x4), two filters: a 3x3 box of 127 and a
    /// centre tap of -127, multiplier 1/127, stride 2 (0 padding before, 1 after).
    func testStrideTwoWindowsAndPadding() throws {
        let box = [Int8](repeating: 127, count: 9), centre: [Int8] = [0, 0, 0, 0, -127, 0, 0, 0, 0]
        let layer = try QuantizedConvolution(
            inChannels: 1, kernelSize: 3, stride: 2, weights: exactWeights(box + centre, outputChannels: 2), bias: [Int32(0), Int32(127 * 20)],
            input: QuantizationParameters(scale: 1, zeroPoint: -7),
            requantization: Requantization(inputScale: 1, weightScales: [Float(1) / 127, Float(1) / 127],
                                           output: QuantizationParameters(scale: 1, zeroPoint: 2), activation: .none))
        let x = try QuantizedTensor(height: 4, width: 4, channels: 1, values: (1...16).map { Int8($0 - 7) },
                                    parameters: QuantizationParameters(scale: 1, zeroPoint: -7))
        forEachPath { path in
            let y = layer.apply(x)
            XCTAssertEqual([y.height, y.width, y.channels], [2, 2, 2], path)
            // Box: 54, 45, 72, 54 (+2). Centre taps read inputs (1,1), (1,3), (3,1), (3,3) = 6, 8, 14, 16: 20 - v + 2.
            XCTAssertEqual(y.values, [56, 16, 47, 14, 74, 8, 56, 6], path)
        }
    }

    func testImageInputIsPixelMinus128() throws {
        let x = try QuantizedTensor.imageInput(rgb: [0, 1, 127, 128, 129, 255], width: 2, height: 1)
        XCTAssertEqual([x.height, x.width, x.channels], [1, 2, 3])
        XCTAssertEqual(x.values, [-128, -127, -1, 0, 1, 127])
        XCTAssertEqual(x.parameters, try QuantizationParameters(scale: 1.0 / 128, zeroPoint: -1))
        // Real value (pixel - 127) / 128: EfficientNet's input normalisation.
        XCTAssertEqual(x.dequantized().values, [-127, 1, -126, 2, 0, 128].map { Float($0) / 128 }) // CHW
        XCTAssertThrowsError(try QuantizedTensor.imageInput(rgb: [1, 2, 3], width: 2, height: 1))
        let bytes = (0..<999).map { UInt8($0 % 256) }
        XCTAssertEqual(try QuantizedTensor.imageInput(rgb: bytes, width: 333, height: 1).values, bytes.map { Int8(Int($0) - 128) })
        XCTAssertThrowsError(try QuantizedTensor.imageInput(rgb: bytes, width: 334, height: 1))
    }

    func testDequantizedMatchesElementwiseDefinition() throws {
        var rng = SeededGenerator(seed: 0xC10)
        for (h, w, c) in [(1, 1, 1), (3, 5, 7), (2, 4, 8), (14, 14, 112), (17, 3, 33), (28, 28, 40), (9, 1, 15)] {
            let p = try QuantizationParameters(scale: Float.random(in: 0.001...0.5, using: &rng), zeroPoint: randomZeroPoint(using: &rng))
            let x = try QuantizedTensor(height: h, width: w, channels: c, values: randomCodes(h * w * c, using: &rng), parameters: p)
            var expected = [Float](repeating: 0, count: h * w * c)
            for pos in 0..<(h * w) { for ch in 0..<c { expected[ch * h * w + pos] = p.dequantize(x.values[pos * c + ch]) } }
            forEachPath { path in
                let y = x.dequantized()
                XCTAssertEqual([y.channels, y.height, y.width], [c, h, w], path)
                XCTAssertEqual(y.values, expected, "\(path) \(h)x\(w)x\(c)")
            }
        }
    }
}
