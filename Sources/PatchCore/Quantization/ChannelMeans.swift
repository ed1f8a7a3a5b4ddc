import Kernels

/// Per-channel means of named fp32 activations, accumulated image by image: what
/// ``BiasCorrector`` aims the int8 layers at. Sums in Double, so the order of images hardly
/// matters and thousands of positions lose nothing.
struct ChannelMeans {
    private var sums: [String: [Double]] = [:]
    private var counts: [String: Double] = [:]

    /// Adds every position of every channel of `x`, the activation called `name`.
    mutating func observe(_ name: String, _ x: Tensor3) {
        var s = sums[name] ?? [Double](repeating: 0, count: x.channels)
        let plane = x.planeSize
        x.values.withUnsafeBufferPointer { v in
            for c in 0..<x.channels {
                var sum = 0.0
                for p in 0..<plane { sum += Double(v[c * plane + p]) }
                s[c] += sum
            }
        }
        sums[name] = s
        counts[name, default: 0] += Double(plane)
    }

    /// The means so far, by activation name.
    var means: [String: [Double]] {
        sums.reduce(into: [:]) { result, entry in
            let n = counts[entry.key] ?? 1
            result[entry.key] = entry.value.map { $0 / n }
        }
    }
}
