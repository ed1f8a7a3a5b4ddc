import Foundation
import Imaging
import Kernels
import XCTest
@testable import PatchCore

/// Opt-in diagnostics of the int8 backbone against fp32 (they print tables and assert nothing;
/// the README's parity study quotes them). Run with
///
///     EAGLE_INT8_DIAGNOSTICS=1 swift test -c release -Xswiftc -enable-testing --filter Int8FidelityDiagnostics
///
/// plus `EAGLE_RANGES=mse` (estimator), `EAGLE_BIAS_CORRECTION=0` and `EAGLE_REFERENCE_CORESET=0`
/// (the recipe's parts), `EAGLE_DATASET=kolektorsdd` (the score spread on KolektorSDD).
final class Int8FidelityDiagnostics: XCTestCase {
    static let environment = ProcessInfo.processInfo.environment

    static func flag(_ name: String) -> Bool { environment[name] != "0" }

    override func setUpWithError() throws {
        guard Self.environment["EAGLE_INT8_DIAGNOSTICS"] != nil else { throw XCTSkip("opt-in: set EAGLE_INT8_DIAGNOSTICS=1") }
    }

    /// Signal and noise energy of `b` against the reference `a`.
    struct Energy {
        var signal = 0.0, noise = 0.0
        mutating func add(_ a: [Float], _ b: [Float]) {
            for (x, y) in zip(a, b) { signal += Double(x) * Double(x); noise += Double(x - y) * Double(x - y) }
        }
        var decibels: Double { 10 * log10(signal / noise) }
    }

    static func dequantizedWeights(_ w: QuantizedWeights) -> [Float] {
        let run = w.values.count / w.outputChannels
        return w.values.indices.map { Float(w.values[$0]) * w.scales[$0 / run] }
    }

    /// Per quantized point, on 9 bottle test images (ranges and corrections from 32 teach images):
    /// the int8 network's activation against fp32 (cosine across channels, signal to noise, the
    /// share of the noise that is a per-channel mean shift), the point's own quantization (fp32
    /// activation quantized and back) and the layer's weights alone (fp32 input, int8 weights).
    func testPerActivationFidelity() throws {
        let estimator = try XCTUnwrap(RangeEstimator(storedName: Self.environment["EAGLE_RANGES"] ?? "minmax"))
        let network = try EfficientNetLite0.loadDefault()
        let settings = PatchCoreSettings()
        let teach = try (0..<32).map {
            try PatchCoreExpert.preprocess(TeachAndInspectTests.image(String(format: "train/good/%03d.png", $0 * 209 / 32)), settings: settings)
        }
        let ranges = try ActivationCalibrator(network: network, deepestBlock: 10, estimator: estimator).ranges(of: teach)
        let corrections = Self.flag("EAGLE_BIAS_CORRECTION")
            ? try BiasCorrector(network: network, ranges: ranges, deepestBlock: 10).corrections(of: teach) : nil
        let q = try QuantizedEfficientNetLite0(network: network, ranges: ranges, deepestBlock: 10, biasCorrections: corrections)
        var propagated: [String: Energy] = [:], own: [String: Energy] = [:], weightsOnly: [String: Energy] = [:]
        var cosine: [String: (Double, Double)] = [:], shift: [String: Double] = [:], order: [String] = []
        for type in ["good", "broken_large", "contamination"] {
            for i in 0..<3 {
                let crop = try PatchCoreExpert.preprocess(TeachAndInspectTests.image(String(format: "test/%@/%03d.png", type, i * 4)), settings: settings)
                var points: [(String, Tensor3, Tensor3?)] = []  // name, fp32, int8 layer with fp32 input and int8 weights
                let input = BackboneInput.tensor(from: crop)
                let s = network.stem
                var x = s.apply(input)
                points.append(("stem", x, try Convolution(inChannels: s.inChannels, outChannels: s.outChannels, kernelSize: s.kernelSize,
                                                          stride: s.stride, weights: Self.dequantizedWeights(q.stem.weights), bias: s.bias,
                                                          activation: s.activation).apply(input)))
                for (block, qb) in zip(network.blocks, q.blocks) {
                    let name = "block\(block.spec.index)"
                    var h = x
                    if let e = block.expand, let qe = qb.expand {
                        h = e.apply(x)
                        points.append((name + ".expand", h, try PointwiseConvolution(
                            inChannels: e.inChannels, outChannels: e.outChannels, weights: Self.dequantizedWeights(qe.weights),
                            bias: e.bias, activation: e.activation).apply(x)))
                    }
                    let d = block.depthwise, hd = d.apply(h)
                    points.append((name + ".depthwise", hd, try DepthwiseConvolution(
                        channels: d.channels, kernelSize: d.kernelSize, stride: d.stride, weights: Self.dequantizedWeights(qb.depthwise.weights),
                        bias: d.bias, activation: d.activation).apply(h)))
                    let p = block.project, hp = p.apply(hd)
                    points.append((name + ".project", hp, try PointwiseConvolution(
                        inChannels: p.inChannels, outChannels: p.outChannels, weights: Self.dequantizedWeights(qb.project.weights),
                        bias: p.bias, activation: p.activation).apply(hd)))
                    if block.spec.hasResidual {
                        x = try Tensor3(channels: hp.channels, height: hp.height, width: hp.width,
                                        values: zip(hp.values, x.values).map { $0 + $1 })
                        points.append((name, x, nil))
                    } else {
                        x = hp
                    }
                    if block.spec.index == q.deepestBlock { break }
                }
                let quantized = try Self.int8Points(q, crop)
                XCTAssertEqual(points.map(\.0), quantized.map(\.0))
                for ((name, a, w), (_, b)) in zip(points, quantized) {
                    if propagated[name] == nil { order.append(name) }
                    let real = b.dequantized()
                    propagated[name, default: Energy()].add(a.values, real.values)
                    let p = try ranges.parameters(name)
                    own[name, default: Energy()].add(a.values, a.values.map { p.dequantize(p.quantize($0)) })
                    if let w { weightsOnly[name, default: Energy()].add(a.values, w.values) }
                    let plane = a.planeSize
                    for pos in 0..<plane {
                        var dot = 0.0, na = 0.0, nb = 0.0
                        for c in 0..<a.channels {
                            let u = Double(a.values[c * plane + pos]), v = Double(real.values[c * plane + pos])
                            dot += u * v; na += u * u; nb += v * v
                        }
                        let c = cosine[name] ?? (0, 0)
                        cosine[name] = (c.0 + (na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 1), c.1 + 1)
                    }
                    for c in 0..<a.channels {
                        var sum = 0.0
                        for pos in 0..<plane { sum += Double(a.values[c * plane + pos] - real.values[c * plane + pos]) }
                        shift[name, default: 0] += sum * sum / Double(plane)
                    }
                }
            }
        }
        print("ranges \(estimator.storedName), bias correction \(corrections != nil)")
        print("point              range              cosine   int8 dB  own-q dB  weights dB  mean-shift share")
        for name in order {
            let p = try ranges.parameters(name), c = cosine[name]!, e = propagated[name]!
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0)
                  + String(format: " %8.3f..%7.3f  %.5f  %6.2f   %6.2f    %@      %.3f", p.dequantize(-128), p.dequantize(127),
                         c.0 / c.1, e.decibels, own[name]!.decibels,
                         weightsOnly[name].map { String(format: "%6.2f", $0.decibels) } ?? "     -", shift[name]! / e.noise))
        }
    }

    /// Every quantized point of the int8 network, named as in ``ActivationRanges``.
    static func int8Points(_ net: QuantizedEfficientNetLite0, _ image: RGBImage) throws -> [(String, QuantizedTensor)] {
        var out: [(String, QuantizedTensor)] = []
        var x = net.stem.apply(try QuantizedEfficientNetLite0.input(image))
        out.append(("stem", x))
        for block in net.blocks {
            let name = "block\(block.index)"
            var h = x
            if let e = block.expand { h = e.apply(x); out.append((name + ".expand", h)) }
            h = block.depthwise.apply(h)
            out.append((name + ".depthwise", h))
            let p = block.project.apply(h)
            out.append((name + ".project", p))
            if let add = block.add { x = add.apply(p, x); out.append((name, x)) } else { x = p }
        }
        return out
    }

    /// Where the int8 expert's image scores depart from the fp32 expert's: each precision taught
    /// on the whole teach set, then every test image scored with the banks and queries swapped.
    func testScoreSpread() throws {
        let root = URL(fileURLWithPath: TeachAndInspectTests.bottle).deletingLastPathComponent().deletingLastPathComponent().path
        let kolektor = Self.environment["EAGLE_DATASET"] == "kolektorsdd"
        let data = try InspectionDataset.open(kolektor ? root + "/kolektorsdd" : root + "/mvtec_ad/bottle")
        var settings = kolektor ? PatchCoreSettings(fit: .stretch, inputWidth: 224, inputHeight: 560, tapDimension: nil) : PatchCoreSettings()
        settings.biasCorrection = Self.flag("EAGLE_BIAS_CORRECTION")
        settings.referenceCoreset = Self.flag("EAGLE_REFERENCE_CORESET")
        settings.rangeEstimator = try XCTUnwrap(RangeEstimator(storedName: Self.environment["EAGLE_RANGES"] ?? "minmax"))
        let network = try EfficientNetLite0.loadDefault()
        func teach(_ precision: Precision) throws -> PatchCoreModel {
            var s = settings
            s.precision = precision
            return try PatchCoreTeacher(network: network, settings: s).teach(count: data.teachImages.count, source: data.name) {
                try ImageFile.readRGB(data.teachImages[$0])
            }
        }
        let (m32, m8) = (try teach(.fp32), try teach(.int8))
        let (e32, e8) = (try PatchCoreExpert(network: network, model: m32), try PatchCoreExpert(network: network, model: m8))
        let cases = ["int8 queries, fp32 bank", "fp32 queries, int8 bank", "int8 queries, int8 bank (fp32 search)",
                     "int8 expert (int8 search)", "fp32 expert with int8 search"]
        var ratios = [[Double]](repeating: [], count: cases.count)
        for sample in data.testSamples {
            let crop = try PatchCoreExpert.preprocess(ImageFile.readRGB(sample.imagePath), settings: settings)
            let (q32, q8) = (try e32.patchFeatures(of: crop), try e8.patchFeatures(of: crop))
            let reference = Double(m32.bank.nearest(q32).distances.max()!)
            let scores = [m32.bank.nearest(q8).distances.max()!, m8.bank.nearest(q32).distances.max()!,
                          m8.bank.nearest(q8).distances.max()!, try m8.bank.nearest(q8, precision: .int8).distances.max()!,
                          try m32.bank.nearest(q32, precision: .int8).distances.max()!]
            for (k, s) in scores.enumerated() { ratios[k].append(Double(s) / reference - 1) }
        }
        print("\(data.name): ranges \(settings.rangeEstimator.storedName), bias correction \(settings.biasCorrection), reference coreset \(settings.referenceCoreset)")
        for (name, r) in zip(cases, ratios) {
            let mean = r.reduce(0, +) / Double(r.count)
            let sd = (r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(r.count)).squareRoot()
            print(name.padding(toLength: 40, withPad: " ", startingAt: 0)
                  + String(format: " score / fp32 score - 1: mean %+.4f, sd %.4f, largest %.4f", mean, sd, r.map(abs).max()!))
        }
        print("thresholds: fp32 \(m32.calibration.threshold), int8 \(m8.calibration.threshold)")
    }
}
