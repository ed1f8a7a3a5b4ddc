import Imaging
import Kernels

/// Post-training calibration of the int8 backbone: runs the fp32 network (BatchNorm folded, the
/// same one the int8 weights come from) on good images and records each activation's range.
///
/// The estimator (``RangeEstimator``) is a teach setting; the README's study measured them.
/// ``RangeEstimator/mse`` needs two passes over the images: min/max first, then a histogram on
/// that grid (``ActivationHistogram``).
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
        var none: ChannelMeans?
        return try measure(crops, means: &none)
    }

    /// The ranges over `crops` and, from the same fp32 passes, the per-channel means of every
    /// activation, which ``BiasCorrector/corrections(of:fp32Means:)`` needs: an int8 teach runs
    /// the fp32 network once per calibration image instead of twice.
    public func rangesAndMeans(of crops: [RGBImage]) throws -> (ranges: ActivationRanges, means: [String: [Double]]) {
        var means: ChannelMeans? = ChannelMeans()
        let ranges = try measure(crops, means: &means)
        return (ranges, means?.means ?? [:])
    }

    private func measure(_ crops: [RGBImage], means: inout ChannelMeans?) throws -> ActivationRanges {
        var collector = ActivationRangeCollector(estimator: estimator == .mse ? .minMax : estimator)
        for crop in crops {
            forEachActivation(BackboneInput.tensor(from: crop)) { name, x in
                collector.observe(name, x.values)
                means?.observe(name, x)
            }
        }
        let extremes = try collector.ranges()
        guard estimator == .mse else { return extremes }
        var histograms = extremes.names.indices.map { ActivationHistogram(low: extremes.minimums[$0], high: extremes.maximums[$0]) }
        for crop in crops {
            var point = 0
            forEachActivation(BackboneInput.tensor(from: crop)) { _, x in
                histograms[point].add(x.values)
                point += 1
            }
        }
        let chosen = histograms.map { $0.minimumErrorRange() }
        return try ActivationRanges(names: extremes.names, minimums: chosen.map(\.low), maximums: chosen.map(\.high))
    }

    /// Runs the fp32 network on `input` and hands every quantized point (named as in
    /// ``ActivationRanges``) to `body`, in network order.
    func forEachActivation(_ input: Tensor3, _ body: (String, Tensor3) -> Void) {
        var x = network.stem.apply(input)
        body("stem", x)
        for block in network.blocks.prefix(deepestBlock + 1) {
            let name = "block\(block.spec.index)"
            var h = x
            if let expand = block.expand {
                h = expand.apply(x)
                body(name + ".expand", h)
            }
            h = block.depthwise.apply(h)
            body(name + ".depthwise", h)
            var projected = block.project.apply(h)
            body(name + ".project", projected)
            if block.spec.hasResidual {
                for i in projected.values.indices { projected.values[i] += x.values[i] }
                body(name, projected)
            }
            x = projected
        }
    }
}
