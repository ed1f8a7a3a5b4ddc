import Imaging
import Kernels

/// EfficientNet-Lite0 for inference in fp32, BatchNorm folded into every convolution.
///
/// Lite0 has no squeeze-excitation and uses ReLU6; blocks are MBConv: optional 1x1 expansion,
/// depthwise k x k, linear 1x1 projection, residual add when stride 1 and channels match.
public struct EfficientNetLite0: Sendable {
    struct Block: Sendable {
        let spec: EfficientNetLite0Weights.Block
        let expand: PointwiseConvolution?
        let depthwise: DepthwiseConvolution
        let project: PointwiseConvolution
    }

    let stem: Convolution
    let blocks: [Block]
    let head: PointwiseConvolution
    let classifier: FullyConnected
    /// sha256 of the original checkpoint, recorded in model files.
    public let weightsSHA256: String?

    public init(weights: EfficientNetLite0Weights) throws {
        let eps = EfficientNetLite0Weights.batchNormEpsilon
        func folded(_ conv: String, _ bn: String) throws -> (weights: [Float], bias: [Float]) {
            try weights.batchNorm(bn).fold(into: weights.tensor(conv + ".weight").values, epsilon: eps)
        }
        let stemFolded = try folded("_conv_stem", "_bn0")
        stem = try Convolution(inChannels: 3, outChannels: EfficientNetLite0Weights.stemChannels, kernelSize: 3, stride: 2,
                               weights: stemFolded.weights, bias: stemFolded.bias, activation: .relu6)
        blocks = try EfficientNetLite0Weights.blocks.map { spec in
            let p = spec.prefix
            var expand: PointwiseConvolution?
            if spec.hasExpansion {
                let f = try folded(p + "._expand_conv", p + "._bn0")
                expand = try PointwiseConvolution(inChannels: spec.inChannels, outChannels: spec.expandedChannels,
                                                  weights: f.weights, bias: f.bias, activation: .relu6)
            }
            let d = try folded(p + "._depthwise_conv", p + "._bn1")
            let depthwise = try DepthwiseConvolution(channels: spec.expandedChannels, kernelSize: spec.kernelSize,
                                                     stride: spec.stride, weights: d.weights, bias: d.bias, activation: .relu6)
            let j = try folded(p + "._project_conv", p + "._bn2")
            let project = try PointwiseConvolution(inChannels: spec.expandedChannels, outChannels: spec.outChannels,
                                                   weights: j.weights, bias: j.bias, activation: .none)
            return Block(spec: spec, expand: expand, depthwise: depthwise, project: project)
        }
        let h = try folded("_conv_head", "_bn1")
        let last = EfficientNetLite0Weights.blocks[EfficientNetLite0Weights.blocks.count - 1]
        head = try PointwiseConvolution(inChannels: last.outChannels, outChannels: EfficientNetLite0Weights.headChannels,
                                        weights: h.weights, bias: h.bias, activation: .relu6)
        classifier = try FullyConnected(inFeatures: EfficientNetLite0Weights.headChannels,
                                        outFeatures: EfficientNetLite0Weights.classCount,
                                        weights: weights.tensor("_fc.weight").values, bias: weights.tensor("_fc.bias").values)
        weightsSHA256 = weights.sourceSHA256
    }

    /// Loads the weights from their default location (see ``WeightsLocation``).
    public static func loadDefault() throws -> EfficientNetLite0 {
        try EfficientNetLite0(weights: .loadDefault())
    }

    /// The activations at `taps`, in the order asked; the network runs only as deep as the
    /// deepest tap.
    public func features(_ input: Tensor3, taps: [FeatureTap]) -> [Tensor3] {
        guard let deepest = taps.max() else { return [] }
        var found: [FeatureTap: Tensor3] = [:]
        var x = stem.apply(input)
        for block in blocks.prefix(deepest.block + 1) {
            let index = block.spec.index
            var h = x
            if let expand = block.expand {
                h = expand.apply(x)
                if taps.contains(FeatureTap(block: index, expansion: true)) {
                    found[FeatureTap(block: index, expansion: true)] = h
                }
            }
            h = block.depthwise.apply(h)
            x = block.project.apply(h, residual: block.spec.hasResidual ? x : nil)
            if taps.contains(FeatureTap(block: index)) { found[FeatureTap(block: index)] = x }
        }
        return taps.compactMap { found[$0] }
    }

    /// ImageNet class probabilities (1000, softmax) for a preprocessed input.
    public func classProbabilities(_ input: Tensor3) -> [Float] {
        var x = stem.apply(input)
        for block in blocks {
            let h = block.depthwise.apply(block.expand?.apply(x) ?? x)
            x = block.project.apply(h, residual: block.spec.hasResidual ? x : nil)
        }
        return softmax(classifier.apply(head.apply(x).globalAveragePooled()))
    }

    /// The ImageNet evaluation preprocessing: shorter side to 256 (bicubic), centre crop 224.
    public static func classificationInput(_ image: RGBImage) throws -> Tensor3 {
        BackboneInput.tensor(from: try image.resizedAndCenterCropped(resize: 256, crop: 224, filter: .bicubic))
    }
}
