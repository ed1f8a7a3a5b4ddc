import XCTest
@testable import Kernels

final class DepthwiseConvolutionTests: XCTestCase {
    func testOptimizedMatchesReferenceOnRandomShapes() throws {
        var rng = SeededGenerator(seed: 0xD3)
        for trial in 0..<160 {
            // Every combination of kernel, stride and activation comes up 20 times.
            let kernel = [3, 5][trial % 2], stride = [1, 2][(trial / 2) % 2]
            let activation = ActivationClamp.allCases[(trial / 4) % 2]
            let channels = Int.random(in: 1...19, using: &rng)
            let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
            let layer = try randomLayer(channels: channels, kernel: kernel, stride: stride, activation: activation, using: &rng)
            let input = randomTensor(channels: channels, height: height, width: width, using: &rng)
            assertClose(layer.apply(input), layer.applyReference(input),
                        "trial \(trial): \(channels)x\(height)x\(width) k\(kernel) s\(stride) \(activation)")
        }
    }

    func testOtherKernelsAndStridesMatchReference() throws {
        var rng = SeededGenerator(seed: 0xD4)
        for (kernel, stride) in [(1, 1), (1, 2), (2, 2), (7, 1), (3, 3), (5, 4)] {
            let layer = try randomLayer(channels: 3, kernel: kernel, stride: stride, activation: .relu6, using: &rng)
            let input = randomTensor(channels: 3, height: 13, width: 11, using: &rng)
            assertClose(layer.apply(input), layer.applyReference(input), "k\(kernel) s\(stride)")
        }
    }

    func testEveryVectorWidthAndRowPairingMatchesReference() throws {
        // Output widths either side of 4, 8 and 16 (the vector widths the kernel switches
        // between) and heights 1 to 3 (rows are computed in pairs, the odd one alone).
        var rng = SeededGenerator(seed: 0xD6)
        for width in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33] {
            for height in 1...3 {
                let layer = try randomLayer(channels: 2, kernel: 3, stride: 1, activation: .none, using: &rng)
                let input = randomTensor(channels: 2, height: height, width: width, using: &rng)
                assertClose(layer.apply(input), layer.applyReference(input), "\(height)x\(width)")
            }
        }
    }

    func testBlockFiveShapeMatchesReference() throws {
        // Block 4's depthwise (5x5, stride 1, 240 channels) at 28x28: the interior path at full width.
        var rng = SeededGenerator(seed: 0xD5)
        let layer = try randomLayer(channels: 240, kernel: 5, stride: 1, activation: .relu6, using: &rng)
        let input = randomTensor(channels: 240, height: 28, width: 28, using: &rng)
        assertClose(layer.apply(input), layer.applyReference(input), "240x28x28 k5 s1")
    }

    func testStrideTwoOnEvenSizePadsOnlyAfter() throws {
        // 4x4 holding 1...16, 3x3 box filter, stride 2: TensorFlow pads 0 above/left and 1 below/right,
        // so output (0, 0) sums rows 0-2 x columns 0-2 and output (1, 1) rows 2-3 x columns 2-3.
        let layer = try boxFilter(kernel: 3, stride: 2)
        let output = layer.apply(try counting(height: 4, width: 4))
        XCTAssertEqual([output.height, output.width], [2, 2])
        // 1+2+3+5+6+7+9+10+11, 3+4+7+8+11+12, 9+10+11+13+14+15, 11+12+15+16
        XCTAssertEqual(output.values, [54, 45, 72, 54])
    }

    func testStrideTwoOnOddSizePadsBothSides() throws {
        // 5x5 holding 1...25, 3x3 box, stride 2: 1 padding on every side, 3x3 output.
        let layer = try boxFilter(kernel: 3, stride: 2)
        let output = layer.apply(try counting(height: 5, width: 5))
        XCTAssertEqual([output.height, output.width], [3, 3])
        XCTAssertEqual(output[0, 0, 0], 16)  // 1+2+6+7
        XCTAssertEqual(output[0, 1, 1], 117)  // 7+8+9+12+13+14+17+18+19
        XCTAssertEqual(output[0, 2, 2], 88)  // 19+20+24+25
        XCTAssertEqual(output[0, 0, 2], 28)  // 4+5+9+10
    }

    func testReluSixClampsBothEnds() throws {
        let layer = try DepthwiseConvolution(channels: 2, kernelSize: 3, stride: 1, weights: [Float](repeating: 0, count: 18),
                                             bias: [-2, 9], activation: .relu6)
        let output = layer.apply(Tensor3(channels: 2, height: 3, width: 3, repeating: 1))
        XCTAssertEqual(output.values, [Float](repeating: 0, count: 9) + [Float](repeating: 6, count: 9))
    }

    func testWrongWeightCountThrows() {
        XCTAssertThrowsError(try DepthwiseConvolution(channels: 2, kernelSize: 3, stride: 1, weights: [Float](repeating: 0, count: 17),
                                                      bias: [0, 0], activation: .none))
        XCTAssertThrowsError(try DepthwiseConvolution(channels: 2, kernelSize: 3, stride: 1, weights: [Float](repeating: 0, count: 18),
                                                      bias: [0], activation: .none))
    }

    private func randomLayer(channels: Int, kernel: Int, stride: Int, activation: ActivationClamp,
                             using rng: inout SeededGenerator) throws -> DepthwiseConvolution {
        try DepthwiseConvolution(
            channels: channels, kernelSize: kernel, stride: stride,
            weights: randomValues(channels * kernel * kernel, using: &rng), bias: randomValues(channels, using: &rng),
            activation: activation
        )
    }

    /// One channel, all-ones filter, no bias: each output is the sum of its window.
    private func boxFilter(kernel: Int, stride: Int) throws -> DepthwiseConvolution {
        try DepthwiseConvolution(channels: 1, kernelSize: kernel, stride: stride,
                                 weights: [Float](repeating: 1, count: kernel * kernel), bias: [0], activation: .none)
    }

    /// One channel holding 1, 2, 3, ... in row-major order.
    private func counting(height: Int, width: Int) throws -> Tensor3 {
        try Tensor3(channels: 1, height: height, width: width, values: (1...(height * width)).map(Float.init))
    }
}
