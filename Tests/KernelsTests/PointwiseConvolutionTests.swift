import XCTest
@testable import Kernels

final class PointwiseConvolutionTests: XCTestCase {
    func testOptimizedMatchesReferenceOnRandomShapes() throws {
        var rng = SeededGenerator(seed: 0x1A)
        for trial in 0..<120 {
            let activation = ActivationClamp.allCases[trial % 2]
            let withResidual = (trial / 2) % 2 == 1
            let inChannels = Int.random(in: 1...19, using: &rng), outChannels = Int.random(in: 1...19, using: &rng)
            let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
            let layer = try randomLayer(inChannels: inChannels, outChannels: outChannels, activation: activation, using: &rng)
            let input = randomTensor(channels: inChannels, height: height, width: width, using: &rng)
            let residual = withResidual ? randomTensor(channels: outChannels, height: height, width: width, using: &rng) : nil
            assertClose(layer.apply(input, residual: residual), layer.applyReference(input, residual: residual),
                        "trial \(trial): \(inChannels)->\(outChannels) \(height)x\(width) \(activation) residual \(withResidual)")
        }
    }

    func testBlockFiveProjectionShapeMatchesReference() throws {
        // 240 -> 40 with a residual: large enough for OpenBLAS to block (and thread) the product.
        var rng = SeededGenerator(seed: 0x1B)
        let layer = try randomLayer(inChannels: 240, outChannels: 40, activation: .none, using: &rng)
        let input = randomTensor(channels: 240, height: 14, width: 14, using: &rng)
        let residual = randomTensor(channels: 40, height: 14, width: 14, using: &rng)
        assertClose(layer.apply(input, residual: residual), layer.applyReference(input, residual: residual), "240->40")
    }

    func testIdentityWeightsReturnTheInput() throws {
        var rng = SeededGenerator(seed: 0x1C)
        let channels = 7
        var identity = [Float](repeating: 0, count: channels * channels)
        for c in 0..<channels { identity[c * channels + c] = 1 }
        let layer = try PointwiseConvolution(inChannels: channels, outChannels: channels, weights: identity,
                                             bias: [Float](repeating: 0, count: channels), activation: .none)
        let input = randomTensor(channels: channels, height: 5, width: 9, using: &rng)
        XCTAssertEqual(layer.apply(input), input)
    }

    func testResidualIsAddedAfterTheActivation() throws {
        let layer = try PointwiseConvolution(inChannels: 1, outChannels: 1, weights: [1], bias: [0], activation: .relu6)
        let input = try Tensor3(channels: 1, height: 1, width: 3, values: [10, -3, 2])
        let residual = try Tensor3(channels: 1, height: 1, width: 3, values: [1, -1, 0.5])
        XCTAssertEqual(layer.apply(input, residual: residual).values, [7, -1, 2.5])
        XCTAssertEqual(layer.applyReference(input, residual: residual).values, [7, -1, 2.5])
    }

    func testEmptyImageGivesEmptyOutput() throws {
        let layer = try PointwiseConvolution(inChannels: 2, outChannels: 3, weights: [Float](repeating: 1, count: 6),
                                             bias: [0, 0, 0], activation: .none)
        let output = layer.apply(Tensor3(channels: 2, height: 0, width: 5))
        XCTAssertEqual([output.channels, output.height, output.width, output.values.count], [3, 0, 5, 0])
    }

    func testWrongWeightCountThrows() {
        XCTAssertThrowsError(try PointwiseConvolution(inChannels: 2, outChannels: 3, weights: [1, 2, 3], bias: [0, 0, 0],
                                                      activation: .none))
    }

    private func randomLayer(inChannels: Int, outChannels: Int, activation: ActivationClamp,
                             using rng: inout SeededGenerator) throws -> PointwiseConvolution {
        try PointwiseConvolution(
            inChannels: inChannels, outChannels: outChannels,
            weights: randomValues(inChannels * outChannels, using: &rng), bias: randomValues(outChannels, using: &rng),
            activation: activation
        )
    }
}
