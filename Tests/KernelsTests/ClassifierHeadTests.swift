import XCTest
@testable import Kernels

final class ClassifierHeadTests: XCTestCase {
    func testGlobalAveragePoolMatchesReference() {
        var rng = SeededGenerator(seed: 0x6A)
        for trial in 0..<40 {
            let channels = Int.random(in: 1...19, using: &rng)
            let height = Int.random(in: 1...17, using: &rng), width = Int.random(in: 1...17, using: &rng)
            let input = randomTensor(channels: channels, height: height, width: width, using: &rng)
            assertClose(input.globalAveragePooled(), input.globalAveragePooledReference(),
                        "trial \(trial): \(channels)x\(height)x\(width)")
        }
    }

    func testGlobalAveragePoolOfKnownPlanes() throws {
        let input = try Tensor3(channels: 2, height: 2, width: 3, values: [1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, 5])
        XCTAssertEqual(input.globalAveragePooled(), [3.5, 0])
        XCTAssertEqual(Tensor3(channels: 2, height: 0, width: 3).globalAveragePooled(), [0, 0])
    }

    func testFullyConnectedMatchesReference() throws {
        var rng = SeededGenerator(seed: 0x6B)
        for trial in 0..<40 {
            let inFeatures = Int.random(in: 1...40, using: &rng), outFeatures = Int.random(in: 1...40, using: &rng)
            let activation = ActivationClamp.allCases[trial % 2]
            let layer = try randomDense(inFeatures: inFeatures, outFeatures: outFeatures, activation: activation, using: &rng)
            let input = randomValues(inFeatures, using: &rng)
            assertClose(layer.apply(input), layer.applyReference(input), "trial \(trial): \(inFeatures)->\(outFeatures)")
        }
    }

    func testClassifierShapeMatchesReference() throws {
        // EfficientNet-Lite0's head: 1280 pooled features -> 1000 ImageNet logits.
        var rng = SeededGenerator(seed: 0x6C)
        let layer = try randomDense(inFeatures: 1280, outFeatures: 1000, activation: .none, using: &rng)
        let input = randomValues(1280, using: &rng)
        assertClose(layer.apply(input), layer.applyReference(input), "1280->1000")
    }

    func testSoftmaxSumsToOneAndKeepsTheOrder() {
        var rng = SeededGenerator(seed: 0x6D)
        let logits = randomValues(1000, using: &rng).map { $0 * 20 }
        let p = softmax(logits)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertTrue(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(p.indices.max { p[$0] < p[$1] }, logits.indices.max { logits[$0] < logits[$1] })
        assertClose(p, softmaxReference(logits), "1000 logits")
    }

    func testSoftmaxSurvivesLargeLogits() {
        // exp(1000) overflows Float: only a max-shifted softmax gives finite values here.
        XCTAssertEqual(softmax([1000, 1000]), [0.5, 0.5])
        let p = softmax([1000, 999, -1000])
        XCTAssertTrue(p.allSatisfy { $0.isFinite })
        XCTAssertEqual(p[0], 1 / (1 + exp(-1)), accuracy: 1e-6)
        XCTAssertEqual(p[1], exp(-1) / (1 + exp(-1)), accuracy: 1e-6)
        XCTAssertEqual(p[2], 0)
        XCTAssertEqual(softmax([]), [])
    }

    private func randomDense(inFeatures: Int, outFeatures: Int, activation: ActivationClamp,
                             using rng: inout SeededGenerator) throws -> FullyConnected {
        try FullyConnected(inFeatures: inFeatures, outFeatures: outFeatures,
                           weights: randomValues(inFeatures * outFeatures, using: &rng),
                           bias: randomValues(outFeatures, using: &rng), activation: activation)
    }
}
