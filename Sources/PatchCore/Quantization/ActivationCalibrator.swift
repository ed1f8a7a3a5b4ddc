import Imaging
import Kernels

/// Post-training calibration of the int8 backbone: runs the fp32 network (BatchNorm folded, the
/// same one the int8 weights come from) on good images and records each activation's range.
///
/// Estimator: plain min/max over all calibration images. ReLU6 bounds most activations to 0...6
/// already; for the linear projections and residual sums, measured on bottle, min/max kept the
/// patch features closest to fp32 (the study is in the README).
public struct ActivationCalibrator: Sendable {
    public let network: EfficientNetLite0
    /// The deepest block that will run quantized.
    public let deepestBlock: Int

    public init(network: EfficientNetLite0, deepestBlock: Int) {
        self.network = network
        self.deepestBlock = deepestBlock
    }

    /// The ranges over `crops` (already preprocessed to the backbone's input size).
    public func ranges(of crops: [RGBImage]) -> ActivationRanges {
        var ranges = ActivationRanges()
        for crop in crops { observe(BackboneInput.tensor(from: crop), into: &ranges) }
        return ranges
    }

    func observe(_ input: Tensor3, into ranges: inout ActivationRanges) {
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
