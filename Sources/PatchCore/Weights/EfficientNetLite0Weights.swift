/// The EfficientNet-Lite0 ImageNet weights, checked against the architecture when loaded: every
/// tensor of `expectedTensors` present with its shape, and nothing else.
///
/// Tensor names follow the lukemelas PyTorch implementation: `_conv_stem.weight`, `_bn0.*` (stem);
/// `Block.prefix` + `._expand_conv`, `._bn0`, `._depthwise_conv`, `._bn1`, `._project_conv`, `._bn2`;
/// `_conv_head.weight`, `_bn1.*` (head); `_fc.weight`, `_fc.bias`. Convolutions have no bias.
/// Values are float32, row-major, convolution weights OIHW; batch norms are not folded.
public struct EfficientNetLite0Weights: Sendable {
    /// The file name the set-up writes, here and in the packaged appliance.
    public static let fileName = "efficientnet-lite0.safetensors"

    /// The underlying file (names, metadata, raw access).
    public let file: SafeTensors

    /// Loads and checks the weights file at `path`.
    /// - Throws: `WeightsError`: the file's own problems, or `missingTensor`, `shapeMismatch`,
    ///   `unexpectedTensor` when it does not hold EfficientNet-Lite0.
    public init(contentsOf path: String) throws {
        let file = try SafeTensors(contentsOf: path)
        try EfficientNetLite0Weights.check(file)
        self.file = file
    }

    /// Loads the weights from the default place (`WeightsLocation.defaultWeightsPath()`).
    public static func loadDefault() throws -> EfficientNetLite0Weights {
        try EfficientNetLite0Weights(contentsOf: WeightsLocation.defaultWeightsPath())
    }

    /// The file the weights came from.
    public var path: String { file.path }

    /// All values over all tensors (batch-norm running statistics included): 4,694,024.
    public var parameterCount: Int { file.elementCount }

    /// The SHA-256 of the PyTorch checkpoint the file was converted from, if recorded.
    public var sourceSHA256: String? { file.metadata["source_sha256"] }

    /// The tensor called `name`, e.g. `_blocks.3._depthwise_conv.weight`.
    public func tensor(_ name: String) throws -> WeightTensor {
        try file.tensor(named: name)
    }

    /// The batch norm under `prefix`, e.g. `_bn0` (stem), `_blocks.3._bn1`, `_bn1` (head).
    public func batchNorm(_ prefix: String) throws -> BatchNormWeights {
        let vectors = try BatchNormWeights.parameterNames.map { try file.tensor(named: "\(prefix).\($0)").values }
        return BatchNormWeights(gamma: vectors[0], beta: vectors[1], mean: vectors[2], variance: vectors[3])
    }

    /// Throws unless `file` holds exactly the expected tensors with the expected shapes.
    static func check(_ file: SafeTensors) throws {
        for expected in expectedTensors {
            let shape: [Int]
            do {
                shape = try file.shape(named: expected.name)
            } catch WeightsError.noSuchTensor {
                throw WeightsError.missingTensor(path: file.path, name: expected.name, expectedShape: expected.shape)
            }
            guard shape == expected.shape else {
                throw WeightsError.shapeMismatch(path: file.path, name: expected.name, expected: expected.shape, actual: shape)
            }
        }
        let expectedNames = Set(expectedTensors.map(\.name))
        if let extra = file.names.first(where: { !expectedNames.contains($0) }) {
            throw WeightsError.unexpectedTensor(path: file.path, name: extra)
        }
    }
}
