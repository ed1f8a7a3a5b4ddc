import XCTest
@testable import Kernels

final class ConvolutionTests: XCTestCase {
    func testOptimizedMatchesReferenceOnRandomShapes() throws {
        var rng = SeededGenerator(seed: 0xC0)
        for trial in 0..<80 {
            let kernel = [3, 5][trial % 2], stride = [1, 2][(trial / 2) % 2]
            let activation = ActivationClamp.allCases[(trial / 4) % 2]
            let inChannels = Int.random(in: 1...5, using: &rng), outChannels = Int.random(in: 1...19, using: &rng)
            let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
            let layer = try randomLayer(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
                                        activation: activation, using: &rng)
            let input = randomTensor(channels: inChannels, height: height, width: width, using: &rng)
            let what = "trial \(trial): \(inChannels)->\(outChannels) \(height)x\(width) k\(kernel) s\(stride) \(activation)"
            let reference = layer.applyReference(input)
            assertClose(layer.apply(input), reference, what)
        }
    }

    func testStemShapeMatchesReference() throws {
        // The stem, 3 -> 32, 3x3 stride 2, on an even size so the padding is all after.
        var rng = SeededGenerator(seed: 0xC1)
        let layer = try randomLayer(inChannels: 3, outChannels: 32, kernel: 3, stride: 2, activation: .relu6, using: &rng)
        let input = randomTensor(channels: 3, height: 48, width: 40, using: &rng)
        let output = layer.apply(input)
        XCTAssertEqual([output.channels, output.height, output.width], [32, 24, 20])
        assertClose(output, layer.applyReference(input), "stem 3x48x40")
    }

    func testStrideTwoOnEvenSizePadsOnlyAfter() throws {
        // Two input channels of 1...16 and 16 + 1...16, box filter summing both: the window of
        // output (1, 1) is rows 2-3 x columns 2-3 of each channel; the rest is padding.
        let layer = try Convolution(inChannels: 2, outChannels: 1, kernelSize: 3, stride: 2,
                                    weights: [Float](repeating: 1, count: 18), bias: [0.5], activation: .none)
        let input = try Tensor3(channels: 2, height: 4, width: 4, values: (1...32).map(Float.init))
        let output = layer.apply(input)
        XCTAssertEqual([output.height, output.width], [2, 2])
        XCTAssertEqual(output[0, 1, 1], 172.5)  // 0.5 + (11+12+15+16) + (27+28+31+32)
    }

    func testWrongWeightCountThrows() {
        XCTAssertThrowsError(try Convolution(inChannels: 3, outChannels: 2, kernelSize: 3, stride: 2,
                                             weights: [Float](repeating: 0, count: 27), bias: [0, 0], activation: .none))
    }

    private func randomLayer(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, activation: ActivationClamp,
                             using rng: inout SeededGenerator) throws -> Convolution {
        try Convolution(
            inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, stride: stride,
            weights: randomValues(outChannels * inChannels * kernel * kernel, using: &rng),
            bias: randomValues(outChannels, using: &rng), activation: activation
        )
    }
}
