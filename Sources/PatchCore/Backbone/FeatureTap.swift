/// A named point in the backbone whose activations feed PatchCore.
///
/// `block4` is the output of block 4 (after its residual add); `block5.expand` is block 5's
/// expansion activation (after ReLU6, before the depthwise convolution), which carries more
/// channels at the same resolution.
public struct FeatureTap: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let block: Int
    public let expansion: Bool

    public init(block: Int, expansion: Bool = false) {
        self.block = block
        self.expansion = expansion
    }

    /// Parses `blockN` or `blockN.expand`; nil for anything else or a block that has no such
    /// point (block 0 has no expansion).
    public init?(_ name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].hasPrefix("block"),
              let index = Int(parts[0].dropFirst(5)),
              EfficientNetLite0Weights.blocks.indices.contains(index) else { return nil }
        if parts.count == 2 {
            guard parts[1] == "expand", EfficientNetLite0Weights.blocks[index].hasExpansion else { return nil }
        }
        self.init(block: index, expansion: parts.count == 2)
    }

    public var description: String { expansion ? "block\(block).expand" : "block\(block)" }

    /// Channels of the tapped activation.
    public var channels: Int {
        let b = EfficientNetLite0Weights.blocks[block]
        return expansion ? b.expandedChannels : b.outChannels
    }

    /// Total stride relative to the input: every stride-2 block up to here halves the size.
    public var stride: Int {
        let blocks = EfficientNetLite0Weights.blocks
        let last = expansion ? block - 1 : block
        let halvings = blocks.prefix(last + 1).filter { $0.stride == 2 }.count
        return 2 << halvings // the stem already halves
    }

    /// Backbone order: a block's expansion comes before its output.
    public static func < (a: FeatureTap, b: FeatureTap) -> Bool {
        (a.block, a.expansion ? 0 : 1) < (b.block, b.expansion ? 0 : 1)
    }

    /// All valid taps, for messages.
    public static var all: [FeatureTap] {
        EfficientNetLite0Weights.blocks.flatMap { b in
            (b.hasExpansion ? [FeatureTap(block: b.index, expansion: true)] : []) + [FeatureTap(block: b.index)]
        }
    }
}
