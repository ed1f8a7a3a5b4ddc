import Imaging
import Kernels

/// Post-training calibration of the int8 backbone: runs the fp32 network (BatchNorm folded, the
/// same one the int8 weights come from) on good images and records each activation's range.
///
/// The estimator (``RangeEstimator``) is a teach setting; the README's study measured both.
public struct ActivationCalibrator: Sendable {
    public let network: EfficientNetLite0
    /// The deepest block that will run quantized.
    public let deepestBlock: Int
    public let estimator: RangeEstimator

    public init(network: EfficientNetLite0, deepestBlock: Int, estimator: RangeEstimator = .minMax) {
        self.network = network
        self.deepestBlock = deepestBlock
        self.estimator = estimator
    }

    /// The ranges over `crops` (already preprocessed to the backbone's input size).
    public func ranges(of crops: [RGBImage]) throws -> ActivationRanges {
        var collector = ActivationRangeCollector(estimator: estimator)
        for crop in crops { observe(BackboneInput.tensor(from: crop), into: &collector) }
        return try collector.ranges()
    }

    func observe(_ input: Tensor3, into ranges: inout ActivationRangeCollector) {
        var x = network.stem.apply(input)
        ranges.observe("stem", x.values)
        for block in network.blocks.prefix(deepestBlock + 1) {
            let name = "block\(block.spec.index)"
            var h = x
            if let expand = block.expand {
                h = expand.apply(x)
                ranges.observe(name + ".expand", h.values)
            }
            h = block.depthwise.apply(h)
            ranges.observe(name + ".depthwise", h.values)
            var projected = block.project.apply(h)
            ranges.observe(name + ".project", projected.values)
            if block.spec.hasResidual {
                for i in projected.values.indices { projected.values[i] += x.values[i] }
                ranges.observe(name, projected.values)
            }
            x = projected
        }
    }
}
