/// The values one activation took over all calibration images, counted on a fixed grid over
/// their observed minimum...maximum, and the clipping range that minimises the expected int8
/// error of those values: the ``RangeEstimator/mse`` estimator.
///
/// Error model for a range [a, b] (a <= 0 <= b, as ``Kernels/QuantizationParameters`` always
/// widens to include 0) with step d = (b - a) / 255:
///
///     E(a, b) = sum over v < a of (v - a)^2  +  sum over v > b of (v - b)^2  +  n_inside * d^2 / 12
///
/// a clipped value costs its distance to the end, a value inside the uniform rounding error's
/// variance d^2 / 12. Values exactly 0 are counted apart and cost nothing: ReLU6 leaves many and
/// 0 is always an exact code. Values are taken at their bin's centre; the candidate ends are bin
/// edges, searched jointly on both sides (at most ``candidatesPerSide`` each) with prefix sums,
/// so one search costs O(bins + candidates^2) whatever the number of values.
struct ActivationHistogram: Sendable {
    /// Bins over minimum...maximum: fine enough that a bin is far below the int8 step of any
    /// range worth choosing (a 255-step range as narrow as 1/32 of the observed one).
    static let binCount = 8192
    static let candidatesPerSide = 512

    let low: Float
    let high: Float
    private(set) var counts: [Double]
    /// Values exactly 0, kept out of `counts`.
    private(set) var zeros: Double = 0

    /// An empty histogram over `low...high` (the min/max a first pass measured).
    init(low: Float, high: Float, bins: Int = binCount) {
        self.low = low
        self.high = high
        counts = [Double](repeating: 0, count: max(1, bins))
    }

    /// Counts `values`; those outside low...high (there should be none) go to the end bins.
    mutating func add(_ values: [Float]) {
        let bins = counts.count
        let scale = high > low ? Float(bins) / (high - low) : 0
        counts.withUnsafeMutableBufferPointer { counts in
            for v in values {
                if v == 0 { zeros += 1; continue }
                let b = Int(((v - low) * scale).rounded(.down))
                counts[min(bins - 1, max(0, b))] += 1
            }
        }
    }

    /// The range [a, b] minimising E(a, b) above; low...high itself (widened to 0) when the
    /// histogram is empty or flat.
    func minimumErrorRange() -> (low: Float, high: Float) {
        let bins = counts.count
        guard high > low, counts.contains(where: { $0 > 0 }) else { return (min(low, 0), max(high, 0)) }
        let width = (Double(high) - Double(low)) / Double(bins)
        func edge(_ k: Int) -> Double { Double(low) + Double(k) * width }
        // Prefix sums over bins 0..<k of n, n * centre, n * centre^2.
        var p0 = [Double](repeating: 0, count: bins + 1), p1 = p0, p2 = p0
        for k in 0..<bins {
            let c = edge(k) + width / 2, n = counts[k]
            p0[k + 1] = p0[k] + n
            p1[k + 1] = p1[k] + n * c
            p2[k + 1] = p2[k] + n * c * c
        }
        // Candidate lower ends: bin edges at or below 0 (or 0 itself when nothing is negative);
        // upper ends likewise at or above 0. Each with the bin index the clipping starts at.
        func candidates(_ indices: [Int]) -> [Int] {
            let step = max(1, (indices.count + Self.candidatesPerSide - 1) / Self.candidatesPerSide)
            var picked = stride(from: 0, to: indices.count, by: step).map { indices[$0] }
            if let last = indices.last, picked.last != last { picked.append(last) }
            return picked
        }
        let lowerEdges = low < 0 ? candidates((0...bins).filter { edge($0) <= 0 }) : [0]
        let upperEdges = high > 0 ? candidates((0...bins).filter { edge($0) >= 0 }.reversed()) : [bins]
        let (t0, t1, t2) = (p0[bins], p1[bins], p2[bins])
        var best = (error: Double.infinity, low: Double(min(low, 0)), high: Double(max(high, 0)))
        for i in lowerEdges {
            let a = low < 0 ? edge(i) : 0
            let left = p2[i] - 2 * a * p1[i] + a * a * p0[i]
            for j in upperEdges where j >= i {
                let b = high > 0 ? edge(j) : 0
                guard b > a else { continue }
                let right = (t2 - p2[j]) - 2 * b * (t1 - p1[j]) + b * b * (t0 - p0[j])
                let step = (b - a) / 255
                let error = left + right + (p0[j] - p0[i]) * step * step / 12
                if error < best.error { best = (error, a, b) }
            }
        }
        return (Float(best.low), Float(best.high))
    }
}
