import Imaging
import Kernels

/// Sequential empirical bias correction of the int8 backbone (after Nagel et al. 2019, "Data-free
/// quantization", empirical variant), run at teach time on the calibration images.
///
/// Rounding the weights (and the activations feeding a layer) shifts the mean of a layer's
/// output per channel; the next layers see that shift as a wrong input. For each convolution in
/// network order, with the int8 network before it already corrected (so each layer also absorbs
/// what is left over from the earlier ones):
///
///     delta[c]      = mean over images and positions of (fp32 output[c] - int8 output[c])   (real units)
///     correction[c] = round(delta[c] / (input scale * weight scale[c]))                     (accumulator units)
///
/// rounded to nearest (ties away from zero) and limited to +-``BiasCorrections/limit``. Outputs
/// are compared after the layer's activation (ReLU6 clamps included), as the next layer sees
/// them; the int8 output is dequantized, the fp32 one is the unquantized network's. A projection
/// followed by a residual add is compared after the add (the block's output), so it also cancels
/// the mean error the skip path carries. With `iterations` > 1 a layer is measured again after its
/// correction and the remaining mean added, which matters where the clamp hides part of a shift.
public struct BiasCorrector: Sendable {
    public let network: EfficientNetLite0
    public let ranges: ActivationRanges
    /// The deepest block that will run quantized.
    public let deepestBlock: Int
    /// Measure-and-correct rounds per layer, at least 1.
    public let iterations: Int

    /// A corrector for `network` quantized up to `deepestBlock` with `ranges`; one round per layer
    /// is the default (a second changed the bottle features' cosine by 0.00002).
    public init(network: EfficientNetLite0, ranges: ActivationRanges, deepestBlock: Int, iterations: Int = 1) {
        self.network = network
        self.ranges = ranges
        self.deepestBlock = deepestBlock
        self.iterations = max(1, iterations)
    }

    /// The corrections measured on `crops` (already preprocessed to the backbone's input size).
    /// `fp32Means`, the per-channel means of the fp32 activations over the same crops, saves an
    /// fp32 pass over them when the caller has them already (``ActivationCalibrator/rangesAndMeans(of:)``).
    public func corrections(of crops: [RGBImage], fp32Means known: [String: [Double]]? = nil) throws -> BiasCorrections {
        guard !crops.isEmpty else { return try BiasCorrections(layers: [], values: []) }
        let reference = known ?? fp32Means(of: crops)
        func target(_ name: String) throws -> [Double] {
            guard let means = reference[name] else { throw PatchCoreError.invalidSettings("no fp32 activation '\(name)'") }
            return means
        }
        let base = try QuantizedEfficientNetLite0(network: network, ranges: ranges, deepestBlock: deepestBlock)
        var layers: [String] = [], values: [[Int32]] = []
        /// Corrects `layer` on `inputs` against the fp32 `point`, records it and returns its outputs.
        func correct<Layer: CorrectableBias>(_ layer: Layer, _ name: String, point: String, _ inputs: [QuantizedTensor],
                                             measured: (QuantizedTensor, Int) -> QuantizedTensor = { x, _ in x }) throws -> [QuantizedTensor] {
            let result = try Self.correct(layer, inputs: inputs, target: target(point), iterations: iterations, measured: measured)
            layers.append(name)
            values.append(result.correction)
            return result.outputs
        }
        var xs = try correct(base.stem, "stem", point: "stem", crops.map { try QuantizedEfficientNetLite0.input($0) })
        for block in base.blocks {
            let name = "block\(block.index)"
            var h = xs
            if let expand = block.expand { h = try correct(expand, name + ".expand", point: name + ".expand", h) }
            h = try correct(block.depthwise, name + ".depthwise", point: name + ".depthwise", h)
            if let add = block.add {
                let skip = xs
                h = try correct(block.project, name + ".project", point: name, h) { y, i in add.apply(y, skip[i]) }
                xs = h.indices.map { add.apply(h[$0], skip[$0]) }
            } else {
                xs = try correct(block.project, name + ".project", point: name + ".project", h)
            }
        }
        return try BiasCorrections(layers: layers, values: values)
    }

    /// One layer's correction: `target` holds the fp32 per-channel means (real units) of what
    /// `measured` makes of the layer's outputs on `inputs` (the outputs themselves, or the block's
    /// residual sum for image i). Returns the correction, the corrected layer and its outputs.
    static func correct<Layer: CorrectableBias>(_ layer: Layer, inputs: [QuantizedTensor], target: [Double], iterations: Int,
                                                measured: (QuantizedTensor, Int) -> QuantizedTensor = { x, _ in x }) throws
        -> (correction: [Int32], layer: Layer, outputs: [QuantizedTensor]) {
        let units = layer.weights.scales.map { Double(layer.input.scale) * Double($0) }
        guard target.count == units.count else {
            throw PatchCoreError.inputMismatch("\(target.count) fp32 channel means for a layer of \(units.count) channels")
        }
        let limit = Double(BiasCorrections.limit)
        var total = [Double](repeating: 0, count: units.count)
        var current = layer
        var outputs = inputs.map { current.apply($0) }
        for _ in 0..<max(1, iterations) {
            let means = channelMeans(outputs.indices.map { measured(outputs[$0], $0) })
            for c in total.indices {
                let step = ((target[c] - means[c]) / units[c]).rounded(.toNearestOrAwayFromZero)
                total[c] = min(max(total[c] + step, -limit), limit)
            }
            current = try layer.addingToBias(total.map { Int32($0) })
            outputs = inputs.map { current.apply($0) }
        }
        return (total.map { Int32($0) }, current, outputs)
    }

    /// Per-channel means of every fp32 activation over `crops`.
    func fp32Means(of crops: [RGBImage]) -> [String: [Double]] {
        let calibrator = ActivationCalibrator(network: network, deepestBlock: deepestBlock)
        var means = ChannelMeans()
        for crop in crops {
            calibrator.forEachActivation(BackboneInput.tensor(from: crop)) { name, x in means.observe(name, x) }
        }
        return means.means
    }

    /// Per-channel means of the real values of int8 tensors of equal channels.
    static func channelMeans(_ tensors: [QuantizedTensor]) -> [Double] {
        guard let channels = tensors.first?.channels else { return [] }
        var sums = [Double](repeating: 0, count: channels)
        var positions = 0.0
        for t in tensors {
            let scale = Double(t.parameters.scale), zero = Int(t.parameters.zeroPoint)
            var codeSums = [Int](repeating: 0, count: channels)
            t.values.withUnsafeBufferPointer { v in
                for p in 0..<t.positions {
                    let row = p * channels
                    for c in 0..<channels { codeSums[c] += Int(v[row + c]) }
                }
            }
            for c in 0..<channels { sums[c] += scale * Double(codeSums[c] - zero * t.positions) }
            positions += Double(t.positions)
        }
        return sums.map { $0 / positions }
    }
}
