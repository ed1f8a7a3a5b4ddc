import Foundation
import Imaging
import Kernels
import SeededRandom
import XCTest
@testable import PatchCore

final class BiasCorrectorTests: XCTestCase {
    /// A 1x1 layer whose weights (but the first, which sets the scale) lie 0.45 of a step above a
    /// code, so that rounding lowers all of them: with positive inputs the int8 output is biased
    /// low in every channel, by about 63 * 0.45 steps * mean input = 0.33, five output steps.
    static func biasedLayer() throws -> (layer: QuantizedPointwiseConvolution, weights: [Float], bias: [Float]) {
        let (inputs, outputs) = (64, 8)
        let step: Float = 0.5 / 127
        var weights: [Float] = []
        for o in 0..<outputs {
            for i in 0..<inputs {
                weights.append(i == 0 ? 0.5 : step * (Float((o * 7 + i * 13) % 10) + 0.45))
            }
        }
        let bias = (0..<outputs).map { Float($0) * 0.1 - 0.3 }
        let layer = try QuantizedPointwiseConvolution(
            inChannels: inputs, outChannels: outputs, weights: weights, bias: bias,
            input: QuantizationParameters(min: 0, max: 6), output: QuantizationParameters(min: -2, max: 14), activation: .none)
        return (layer, weights, bias)
    }

    static func randomInputs(_ count: Int, channels: Int, parameters: QuantizationParameters, seed: UInt64 = 21) -> [QuantizedTensor] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let t = try! Tensor3(channels: channels, height: 6, width: 6,
                                 values: (0..<(channels * 36)).map { _ in Float.random(in: 0...6, using: &rng) })
            return QuantizedTensor(quantizing: t, parameters: parameters)
        }
    }

    /// Per-channel means of the exact real output b + W x of the dequantized inputs.
    static func exactMeans(_ inputs: [QuantizedTensor], weights: [Float], bias: [Float]) -> [Double] {
        let outputs = bias.count, channels = inputs[0].channels
        var sums = [Double](repeating: 0, count: outputs), n = 0.0
        for x in inputs {
            let real = x.dequantized()
            for p in 0..<x.positions {
                for o in 0..<outputs {
                    var y = Double(bias[o])
                    for i in 0..<channels { y += Double(weights[o * channels + i]) * Double(real.values[i * x.positions + p]) }
                    sums[o] += y
                }
                n += 1
            }
        }
        return sums.map { $0 / n }
    }

    func testCorrectionRemovesTheMeanErrorOfASyntheticLayer() throws {
        let (layer, weights, bias) = try Self.biasedLayer()
        let calibration = Self.randomInputs(8, channels: 64, parameters: layer.input)
        let result = try BiasCorrector.correct(layer, inputs: calibration, target: Self.exactMeans(calibration, weights: weights, bias: bias),
                                               iterations: 1)
        XCTAssertTrue(result.correction.allSatisfy { $0 > 0 }, "rounding lowered every channel: \(result.correction)")
        XCTAssertEqual(result.layer.bias, zip(layer.bias, result.correction).map { $0 + $1 })

        // On other images from the same distribution the mean error shrinks to below half an output step.
        let test = Self.randomInputs(8, channels: 64, parameters: layer.input, seed: 22)
        let goal = Self.exactMeans(test, weights: weights, bias: bias)
        let before = zip(goal, BiasCorrector.channelMeans(test.map { layer.apply($0) })).map { abs($0 - $1) }
        let after = zip(goal, BiasCorrector.channelMeans(test.map { result.layer.apply($0) })).map { abs($0 - $1) }
        let outputStep = Double(layer.requantization.output.scale)
        XCTAssertGreaterThan(before.min()!, outputStep, "the uncorrected layer is biased by more than a step: \(before)")
        XCTAssertLessThan(after.max()!, outputStep / 2, "after: \(after), before: \(before)")
    }

    func testCorrectionUnitsAreInputTimesWeightScale() throws {
        let (layer, _, _) = try Self.biasedLayer()
        let calibration = Self.randomInputs(2, channels: 64, parameters: layer.input)
        let means = BiasCorrector.channelMeans(calibration.map { layer.apply($0) })
        // Ask for exactly 3.25 output steps more in every channel: 3.25 * so / (si * sw[c]) accumulator units.
        let so = Double(layer.requantization.output.scale)
        let result = try BiasCorrector.correct(layer, inputs: calibration, target: means.map { $0 + 3.25 * so }, iterations: 1)
        for c in 0..<8 {
            let units = Double(layer.input.scale) * Double(layer.weights.scales[c])
            XCTAssertEqual(result.correction[c], Int32((3.25 * so / units).rounded(.toNearestOrAwayFromZero)))
        }
        XCTAssertThrowsError(try BiasCorrector.correct(layer, inputs: calibration, target: [0], iterations: 1))
    }

    func testBiasCorrectionsValidateAndFindTheirLayers() throws {
        let c = try BiasCorrections(layers: ["stem", "block0.depthwise"], values: [[1, -2], [3]])
        XCTAssertEqual(c.correction("block0.depthwise"), [3])
        XCTAssertNil(c.correction("block0.project"))
        XCTAssertThrowsError(try BiasCorrections(layers: ["stem"], values: []))
        XCTAssertThrowsError(try BiasCorrections(layers: ["stem", "stem"], values: [[1], [1]]))
        XCTAssertThrowsError(try BiasCorrections(layers: ["stem"], values: [[BiasCorrections.limit + 1]]))
    }

    /// On the real backbone: corrections measured on a few good bottle images bring the int8 taps
    /// of other images closer to fp32, and a network with a correction for a layer it lacks is refused.
    func testCorrectionsBringTheRealBackboneCloserToFP32() throws {
        let network = try EfficientNetLite0.loadDefault()
        let settings = PatchCoreSettings()
        func crop(_ name: String) throws -> RGBImage {
            try PatchCoreExpert.preprocess(TeachAndInspectTests.image(name), settings: settings)
        }
        let calibration = try (0..<6).map { try crop(String(format: "train/good/%03d.png", $0 * 30)) }
        let ranges = try ActivationCalibrator(network: network, deepestBlock: 4).ranges(of: calibration)
        let corrections = try BiasCorrector(network: network, ranges: ranges, deepestBlock: 4).corrections(of: calibration)
        XCTAssertEqual(corrections.layers.first, "stem")
        XCTAssertEqual(corrections.layers.last, "block4.project")
        XCTAssertEqual(corrections.layers.count, 1 + 2 + 4 * 3)
        let plain = try QuantizedEfficientNetLite0(network: network, ranges: ranges, deepestBlock: 4)
        let corrected = try QuantizedEfficientNetLite0(network: network, ranges: ranges, deepestBlock: 4, biasCorrections: corrections)
        let taps = [FeatureTap(block: 3), FeatureTap(block: 4)]
        var cosines: (plain: Double, corrected: Double) = (0, 0)
        for name in ["test/good/003.png", "test/broken_small/004.png"] {
            let image = try crop(name)
            let reference = network.features(BackboneInput.tensor(from: image), taps: taps)
            cosines.plain += Self.cosine(reference, try plain.quantizedFeatures(image, taps: taps).map { $0.dequantized() })
            cosines.corrected += Self.cosine(reference, try corrected.quantizedFeatures(image, taps: taps).map { $0.dequantized() })
        }
        XCTAssertGreaterThan(cosines.corrected, cosines.plain + 0.004, "\(cosines)")

        XCTAssertThrowsError(try QuantizedEfficientNetLite0(network: network, ranges: ranges, deepestBlock: 3, biasCorrections: corrections))

        // The teacher's single fp32 pass for ranges and means gives what two separate passes give.
        let pair = Array(calibration.prefix(2))
        let calibrator = ActivationCalibrator(network: network, deepestBlock: 4)
        let (shared, means) = try calibrator.rangesAndMeans(of: pair)
        XCTAssertEqual(shared, try calibrator.ranges(of: pair))
        let corrector = BiasCorrector(network: network, ranges: shared, deepestBlock: 4)
        XCTAssertEqual(try corrector.corrections(of: pair, fp32Means: means), try corrector.corrections(of: pair))
    }

    /// Mean over taps and positions of the cosine across channels.
    static func cosine(_ a: [Tensor3], _ b: [Tensor3]) -> Double {
        var sum = 0.0, count = 0.0
        for (x, y) in zip(a, b) {
            for p in 0..<x.planeSize {
                var dot = 0.0, nx = 0.0, ny = 0.0
                for c in 0..<x.channels {
                    let u = Double(x.values[c * x.planeSize + p]), v = Double(y.values[c * y.planeSize + p])
                    dot += u * v; nx += u * u; ny += v * v
                }
                sum += nx > 0 && ny > 0 ? dot / (nx * ny).squareRoot() : 1
                count += 1
            }
        }
        return sum / count
    }
}
