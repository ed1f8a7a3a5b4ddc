/// Per-output-sample weights along one axis: output sample `i` is the weighted sum of the
/// `counts[i]` input samples starting at `starts[i]`, weights at `weights[i * stride ..<]`.
/// Weights of one output sample sum to 1.
struct ResampleCoefficients {
    let starts: [Int]
    let counts: [Int]
    let stride: Int
    let weights: [Float]

    init(inputSize: Int, outputSize: Int, filter: ResizeFilter) {
        let scale = Double(inputSize) / Double(outputSize)
        var spans: [(start: Int, weights: [Double])] = []
        spans.reserveCapacity(outputSize)
        for i in 0..<outputSize {
            spans.append(filter == .area
                ? Self.areaSpan(i, scale: scale, inputSize: inputSize)
                : Self.kernelSpan(i, scale: scale, inputSize: inputSize, filter: filter))
        }
        let stride = max(1, spans.map(\.weights.count).max() ?? 1)
        var weights = [Float](repeating: 0, count: outputSize * stride)
        for (i, span) in spans.enumerated() {
            let total = span.weights.reduce(0, +)
            for (k, w) in span.weights.enumerated() {
                weights[i * stride + k] = Float(total != 0 ? w / total : 0)
            }
        }
        self.starts = spans.map(\.start)
        self.counts = spans.map(\.weights.count)
        self.stride = stride
        self.weights = weights
    }

    /// Output sample i covers input interval [i*scale, (i+1)*scale); each input pixel weighs by
    /// how much of that interval it overlaps.
    private static func areaSpan(_ i: Int, scale: Double, inputSize: Int) -> (start: Int, weights: [Double]) {
        let lo = Double(i) * scale, hi = Double(i + 1) * scale
        let first = min(Int(lo.rounded(.down)), inputSize - 1)
        let last = max(first, min(Int((hi).rounded(.up)) - 1, inputSize - 1))
        var weights: [Double] = []
        for j in first...last {
            weights.append(max(0, min(hi, Double(j + 1)) - max(lo, Double(j))))
        }
        return (first, weights)
    }

    /// PIL's scheme: the kernel is stretched by the scale factor when downscaling so that every
    /// input pixel contributes (antialiasing); sample centres sit at pixel centres.
    private static func kernelSpan(_ i: Int, scale: Double, inputSize: Int, filter: ResizeFilter) -> (start: Int, weights: [Double]) {
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let center = (Double(i) + 0.5) * scale
        let first = max(Int((center - support + 0.5).rounded(.down)), 0)
        let end = min(Int((center + support + 0.5).rounded(.down)), inputSize)
        var weights: [Double] = []
        for j in first..<max(end, first + 1) {
            weights.append(filter.weight((Double(j) - center + 0.5) / filterScale))
        }
        if weights.allSatisfy({ $0 == 0 }) {
            // Possible only at extreme upscales on the border: fall back to the nearest pixel.
            return (min(max(Int(center), 0), inputSize - 1), [1])
        }
        return (first, weights)
    }
}
