import Imaging
import Kernels

/// Turns backbone feature maps into PatchCore's locally aware patch features (Roth et al. 2022,
/// section 3.1): each tap is averaged over a 3x3 neighbourhood, brought to the grid of the
/// finest tap by bilinear interpolation, the taps are concatenated along channels, and the
/// result is optionally pooled down to `targetDimension` channels.
///
/// The reference code unfolds 3x3 patches (zero padding) and adaptive-average-pools each
/// flattened (C, 3, 3) patch to C values, which is exactly a per-channel 3x3 mean with zero
/// padding counted in the divisor; that is what ``localMean(_:)`` computes.
public struct PatchFeatureAggregator: Sendable, Equatable {
    /// Channels of the output features; nil keeps the concatenation of all taps.
    public let targetDimension: Int?
    /// Channels each tap is pooled to before concatenation; nil keeps them all.
    public let tapDimension: Int?
    /// Neighbourhood side (3 in the paper; 1 disables the averaging).
    public let neighbourhood: Int

    public init(targetDimension: Int? = nil, tapDimension: Int? = nil, neighbourhood: Int = 3) {
        precondition(neighbourhood >= 1 && neighbourhood % 2 == 1, "the neighbourhood must be an odd size")
        self.targetDimension = targetDimension
        self.tapDimension = tapDimension
        self.neighbourhood = neighbourhood
    }

    /// The feature matrix of one image from its tap outputs, finest tap first.
    /// - Returns: features of shape (gridHeight * gridWidth) x dimension, and the grid size.
    public func aggregate(_ taps: [Tensor3]) throws -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        guard let finest = taps.first else { throw KernelError.shapeMismatch("no feature taps to aggregate") }
        let gridWidth = finest.width, gridHeight = finest.height
        var planes: [Tensor3] = []
        for tap in taps {
            let pooled = localMean(tap)
            planes.append(pooled.width == gridWidth && pooled.height == gridHeight
                ? pooled : try Self.upsampled(pooled, width: gridWidth, height: gridHeight))
        }
        // Per-tap pooling first (adaptive bins over each tap's own channels), then the overall one.
        var tapBins: [Range<Int>] = []
        var c0 = 0
        for plane in planes {
            let bins = Self.adaptiveBins(length: plane.channels, outputs: min(plane.channels, tapDimension ?? plane.channels))
            tapBins += bins.map { ($0.lowerBound + c0)..<($0.upperBound + c0) }
            c0 += plane.channels
        }
        let channels = tapBins.count
        let outDimension = targetDimension ?? channels
        guard outDimension >= 1, outDimension <= channels else {
            throw KernelError.shapeMismatch("target dimension \(outDimension) must be in 1...\(channels)")
        }
        let positions = gridWidth * gridHeight
        // Transpose CHW planes into position-major rows, pooling channels on the way.
        let bins = Self.adaptiveBins(length: channels, outputs: outDimension)
        let identityTaps = tapBins.count == c0
        var gathered = [Float](repeating: 0, count: c0)
        var concatenated = [Float](repeating: 0, count: channels)
        var out = [Float](repeating: 0, count: positions * outDimension)
        for p in 0..<positions {
            var c0 = 0
            for plane in planes {
                for c in 0..<plane.channels { gathered[c0 + c] = plane.values[c * positions + p] }
                c0 += plane.channels
            }
            if identityTaps {
                swap(&gathered, &concatenated)
            } else {
                for (d, bin) in tapBins.enumerated() {
                    var sum: Float = 0
                    for c in bin { sum += gathered[c] }
                    concatenated[d] = sum / Float(bin.count)
                }
            }
            for (d, bin) in bins.enumerated() {
                var sum: Float = 0
                for c in bin { sum += concatenated[c] }
                out[p * outDimension + d] = sum / Float(bin.count)
            }
        }
        return (PatchFeatureMatrix(count: positions, dimension: outDimension, values: out), gridWidth, gridHeight)
    }

    /// Per-channel mean over the neighbourhood, zero padding included in the divisor.
    public func localMean(_ input: Tensor3) -> Tensor3 {
        guard neighbourhood > 1 else { return input }
        let r = neighbourhood / 2, h = input.height, w = input.width
        let scale = 1 / Float(neighbourhood * neighbourhood)
        var out = Tensor3(channels: input.channels, height: h, width: w)
        // Separable box sums: rows then columns.
        var rowSums = [Float](repeating: 0, count: h * w)
        for c in 0..<input.channels {
            let base = c * h * w
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for dx in max(0, x - r)...min(w - 1, x + r) { s += input.values[base + y * w + dx] }
                    rowSums[y * w + x] = s
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    var s: Float = 0
                    for dy in max(0, y - r)...min(h - 1, y + r) { s += rowSums[dy * w + x] }
                    out.values[base + y * w + x] = s * scale
                }
            }
        }
        return out
    }

    /// PyTorch's `adaptive_avg_pool1d` bins: output i averages [floor(i L / n), ceil((i + 1) L / n)).
    static func adaptiveBins(length: Int, outputs: Int) -> [Range<Int>] {
        (0..<outputs).map { i in
            (i * length / outputs)..<(((i + 1) * length + outputs - 1) / outputs)
        }
    }

    /// Bilinear upsampling of every channel with PyTorch's half-pixel centres, as the
    /// reference code's `F.interpolate(mode="bilinear", align_corners=False)`.
    static func upsampled(_ input: Tensor3, width: Int, height: Int) throws -> Tensor3 {
        let plane = input.planeSize
        var values: [Float] = []
        values.reserveCapacity(input.channels * width * height)
        for c in 0..<input.channels {
            let channel = try FloatPlane(width: input.width, height: input.height,
                                         values: Array(input.values[(c * plane)..<((c + 1) * plane)]))
            values.append(contentsOf: try channel.resizedBilinear(width: width, height: height).values)
        }
        return try Tensor3(channels: input.channels, height: height, width: width, values: values)
    }
}
