/// The architecture the weights must fit, as data: the block table in docs/expert.md and the
/// tensor table derived from it. The converter (Packaging/weights/convert_pth.py) derives the same
/// table from the same block list; both refuse a file that does not match it.
extension EfficientNetLite0Weights {
    /// One MBConv block: optional 1x1 expansion, depthwise k x k, 1x1 projection, each followed by
    /// batch norm (ReLU6 after the first two); no squeeze-excitation in the Lite variants.
    public struct Block: Sendable, Equatable {
        /// Position in the network, 0...15.
        public let index: Int
        /// Expansion ratio: the depthwise convolution runs on `inChannels * expandRatio` channels.
        public let expandRatio: Int
        /// Depthwise kernel size (3 or 5).
        public let kernelSize: Int
        /// Depthwise stride (1 or 2), with TensorFlow "same" padding.
        public let stride: Int
        /// Channels entering the block.
        public let inChannels: Int
        /// Channels leaving the block.
        public let outChannels: Int

        /// Channels of the expansion output and of the depthwise convolution.
        public var expandedChannels: Int { inChannels * expandRatio }
        /// Whether the block has `_expand_conv` and `_bn0` (block 0 has not: ratio 1).
        public var hasExpansion: Bool { expandRatio != 1 }
        /// Whether the block's input is added to its output.
        public var hasResidual: Bool { stride == 1 && inChannels == outChannels }
        /// The prefix of the block's tensor names: `_blocks.N`, followed by `._expand_conv.weight`
        /// and `._bn0.*` (with expansion only), `._depthwise_conv.weight`, `._bn1.*`,
        /// `._project_conv.weight`, `._bn2.*`.
        public var prefix: String { "_blocks.\(index)" }
    }

    /// A tensor the weights file must hold, with its shape.
    public struct ExpectedTensor: Sendable, Equatable {
        /// The tensor's name (lukemelas naming).
        public let name: String
        /// Its shape; convolution weights are OIHW (depthwise: [channels, 1, k, k]).
        public let shape: [Int]
    }

    /// The 16 blocks in network order: (expand, kernel, stride, in, out).
    public static let blocks: [Block] = {
        let rows: [(Int, Int, Int, Int, Int)] = [
            (1, 3, 1, 32, 16),
            (6, 3, 2, 16, 24), (6, 3, 1, 24, 24),
            (6, 5, 2, 24, 40), (6, 5, 1, 40, 40),
            (6, 3, 2, 40, 80), (6, 3, 1, 80, 80), (6, 3, 1, 80, 80),
            (6, 5, 1, 80, 112), (6, 5, 1, 112, 112), (6, 5, 1, 112, 112),
            (6, 5, 2, 112, 192), (6, 5, 1, 192, 192), (6, 5, 1, 192, 192), (6, 5, 1, 192, 192),
            (6, 3, 1, 192, 320)
        ]
        return rows.enumerated().map { index, row in
            Block(index: index, expandRatio: row.0, kernelSize: row.1, stride: row.2,
                  inChannels: row.3, outChannels: row.4)
        }
    }()

    /// Output channels of the 3x3 stride-2 stem convolution (`_conv_stem`, `_bn0`).
    public static let stemChannels = 32
    /// Output channels of the 1x1 head convolution (`_conv_head`, `_bn1`).
    public static let headChannels = 1280
    /// ImageNet classes of the classifier (`_fc.weight` [1000, 1280], `_fc.bias` [1000]).
    public static let classCount = 1000
    /// The epsilon every batch norm of this checkpoint was trained with.
    public static let batchNormEpsilon: Float = 1e-3

    /// Every tensor of the file in network order: 247 float tensors. The checkpoint's 49
    /// `num_batches_tracked` counters are dropped by the converter (inference never reads them).
    public static let expectedTensors: [ExpectedTensor] = {
        var table: [ExpectedTensor] = []
        func conv(_ name: String, _ out: Int, _ inPerGroup: Int, _ kernel: Int) {
            table.append(ExpectedTensor(name: "\(name).weight", shape: [out, inPerGroup, kernel, kernel]))
        }
        func batchNorm(_ name: String, _ channels: Int) {
            for parameter in BatchNormWeights.parameterNames {
                table.append(ExpectedTensor(name: "\(name).\(parameter)", shape: [channels]))
            }
        }
        conv("_conv_stem", stemChannels, 3, 3)
        batchNorm("_bn0", stemChannels)
        for block in blocks {
            if block.hasExpansion {
                conv("\(block.prefix)._expand_conv", block.expandedChannels, block.inChannels, 1)
                batchNorm("\(block.prefix)._bn0", block.expandedChannels)
            }
            conv("\(block.prefix)._depthwise_conv", block.expandedChannels, 1, block.kernelSize)
            batchNorm("\(block.prefix)._bn1", block.expandedChannels)
            conv("\(block.prefix)._project_conv", block.outChannels, block.expandedChannels, 1)
            batchNorm("\(block.prefix)._bn2", block.outChannels)
        }
        conv("_conv_head", headChannels, blocks[blocks.count - 1].outChannels, 1)
        batchNorm("_bn1", headChannels)
        table.append(ExpectedTensor(name: "_fc.weight", shape: [classCount, headChannels]))
        table.append(ExpectedTensor(name: "_fc.bias", shape: [classCount]))
        return table
    }()
}
