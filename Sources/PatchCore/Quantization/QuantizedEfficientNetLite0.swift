import Imaging
import Kernels

/// EfficientNet-Lite0 in int8 up to a given block: the appliance's default backbone.
///
/// Post-training quantization of the fp32 network (BatchNorm already folded): weights symmetric
/// per output channel, activations affine per tensor from ``ActivationRanges``, int32
/// accumulators, fixed-point requantization (see ``Requantization``), ReLU6 as a clamp on
/// codes, residual adds rescaled by ``QuantizedAdd``. The input needs no calibration: the fp32
/// normalisation (v - 127) / 128 is exactly the int8 code v - 128 with scale 1/128 and zero
/// point -1. Feature taps are dequantized to Float for the patch-feature code.
///
/// Optional ``BiasCorrections`` (measured at teach time by ``BiasCorrector``) are added to the
/// convolutions' int32 biases after the weights are quantized.
public struct QuantizedEfficientNetLite0: Sendable {
    struct Block: Sendable {
        let index: Int
        let expand: QuantizedPointwiseConvolution?
        let depthwise: QuantizedDepthwiseConvolution
        let project: QuantizedPointwiseConvolution
        let add: QuantizedAdd?
    }

    let stem: QuantizedConvolution
    let blocks: [Block]
    /// The ranges the network was built from (stored with the model).
    public let ranges: ActivationRanges
    /// The bias corrections it was built with (stored with the model), if any.
    public let biasCorrections: BiasCorrections?

    /// The parameters of the input codes v - 128: real = (code + 1) / 128 = (v - 127) / 128.
    public static var inputParameters: QuantizationParameters { QuantizedTensor.imageInputParameters }

    /// Quantizes `network` up to `deepestBlock` with the activation `ranges` measured on it, and
    /// adds `biasCorrections` (which must name only layers of this depth) to the int32 biases.
    public init(network: EfficientNetLite0, ranges: ActivationRanges, deepestBlock: Int,
                biasCorrections: BiasCorrections? = nil) throws {
        guard network.blocks.indices.contains(deepestBlock) else {
            throw PatchCoreError.invalidSettings("block \(deepestBlock) does not exist")
        }
        var corrected: Set<String> = []
        func correcting<Layer: CorrectableBias>(_ layer: Layer, _ name: String) throws -> Layer {
            guard let correction = biasCorrections?.correction(name) else { return layer }
            corrected.insert(name)
            return try layer.addingToBias(correction)
        }
        let s = network.stem
        var current = try ranges.parameters("stem")
        stem = try correcting(QuantizedConvolution(inChannels: s.inChannels, outChannels: s.outChannels, kernelSize: s.kernelSize,
                                                   stride: s.stride, weights: s.weights, bias: s.bias,
                                                   input: Self.inputParameters, output: current, activation: s.activation), "stem")
        var blocks: [Block] = []
        for block in network.blocks.prefix(deepestBlock + 1) {
            let name = "block\(block.spec.index)"
            let blockInput = current
            var expand: QuantizedPointwiseConvolution?
            if let e = block.expand {
                let out = try ranges.parameters(name + ".expand")
                expand = try correcting(QuantizedPointwiseConvolution(inChannels: e.inChannels, outChannels: e.outChannels, weights: e.weights,
                                                                      bias: e.bias, input: current, output: out, activation: e.activation),
                                        name + ".expand")
                current = out
            }
            let d = block.depthwise
            let depthwiseOut = try ranges.parameters(name + ".depthwise")
            let depthwise = try correcting(QuantizedDepthwiseConvolution(channels: d.channels, kernelSize: d.kernelSize, stride: d.stride,
                                                                         weights: d.weights, bias: d.bias, input: current,
                                                                         output: depthwiseOut, activation: d.activation),
                                           name + ".depthwise")
            let p = block.project
            let projectOut = try ranges.parameters(name + ".project")
            let project = try correcting(QuantizedPointwiseConvolution(inChannels: p.inChannels, outChannels: p.outChannels, weights: p.weights,
                                                                       bias: p.bias, input: depthwiseOut, output: projectOut, activation: p.activation),
                                         name + ".project")
            var add: QuantizedAdd?
            current = projectOut
            if block.spec.hasResidual {
                let sum = try ranges.parameters(name)
                add = QuantizedAdd(a: projectOut, b: blockInput, output: sum)
                current = sum
            }
            blocks.append(Block(index: block.spec.index, expand: expand, depthwise: depthwise, project: project, add: add))
        }
        if let unknown = biasCorrections?.layers.first(where: { !corrected.contains($0) }) {
            throw PatchCoreError.invalidSettings("bias correction for '\(unknown)', which this network (to block \(deepestBlock)) does not have")
        }
        self.blocks = blocks
        self.ranges = ranges
        self.biasCorrections = biasCorrections
    }

    /// The deepest block this network runs.
    public var deepestBlock: Int { blocks.last?.index ?? -1 }

    /// The int8 input of an RGB image: code = v - 128 (flipping the top bit).
    public static func input(_ image: RGBImage) throws -> QuantizedTensor {
        try QuantizedTensor.imageInput(rgb: image.pixels, width: image.width, height: image.height)
    }

    /// The int8 activations at `taps` (all at or above ``deepestBlock``), in the order asked.
    public func quantizedFeatures(_ image: RGBImage, taps: [FeatureTap]) throws -> [QuantizedTensor] {
        guard let deepest = taps.max() else { return [] }
        guard deepest.block <= deepestBlock else {
            throw PatchCoreError.inputMismatch("tap \(deepest) is deeper than the quantized network (block \(deepestBlock))")
        }
        var found: [FeatureTap: QuantizedTensor] = [:]
        var x = stem.apply(try Self.input(image))
        for block in blocks.prefix(deepest.block + 1) {
            var h = x
            if let expand = block.expand {
                h = expand.apply(x)
                let tap = FeatureTap(block: block.index, expansion: true)
                if taps.contains(tap) { found[tap] = h }
            }
            h = block.project.apply(block.depthwise.apply(h))
            x = block.add.map { $0.apply(h, x) } ?? h
            let tap = FeatureTap(block: block.index)
            if taps.contains(tap) { found[tap] = x }
        }
        return taps.compactMap { found[$0] }
    }
}
