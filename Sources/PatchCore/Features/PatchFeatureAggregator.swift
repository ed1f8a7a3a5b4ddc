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
        let planes = try gridPlanes(taps, localMean: localMean)
        let (tapBins, bins) = try channelBins(planes.planes.map(\.channels))
        var values: [Float] = []
        values.reserveCapacity(planes.planes.reduce(0) { $0 + $1.values.count })
        for plane in planes.planes { values += plane.values }
        let rows = ChannelPooling.pooledRows(values, positions: planes.width * planes.height, tapBins: tapBins, bins: bins)
        return (PatchFeatureMatrix(count: planes.width * planes.height, dimension: bins.count, values: rows), planes.width, planes.height)
    }

    /// The features of either precision's activations; int8 taps are worked on through `loop`
    /// when there is one.
    public func aggregate(_ taps: TapActivations, loop: ConcurrentLoop? = nil) throws
        -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        switch taps {
        case .fp32(let maps): try aggregate(maps)
        case .int8(let maps): try aggregate(maps, loop: loop)
        }
    }

    /// The same features from int8 taps (finest first), without dequantising them: see
    /// ``QuantizedTapColumns``. Equal to ``aggregate(_:)`` of the dequantised taps up to Float
    /// rounding. With a `loop`, the taps' columns are written at the same time (the same bits).
    public func aggregate(_ taps: [QuantizedTensor], loop: ConcurrentLoop? = nil) throws
        -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        try aggregateQuantized(taps, loop: loop) { columns, tap, rows, stride, column in
            columns.write(tap, into: rows, rowStride: stride, column: column)
        }
    }

    /// The taps' columns side by side on the finest grid (`write` fills one tap's, each tap
    /// through `loop` when there is one: they write disjoint columns), then pooled over
    /// ``channelBins(_:)``'s overall bins when they are not one column each.
    func aggregateQuantized(_ taps: [QuantizedTensor], loop: ConcurrentLoop? = nil,
                            write: @Sendable (QuantizedTapColumns, QuantizedTensor, UnsafeMutableBufferPointer<Float>, Int, Int) -> Void) throws
        -> (features: PatchFeatureMatrix, gridWidth: Int, gridHeight: Int) {
        guard let finest = taps.first else { throw KernelError.shapeMismatch("no feature taps to aggregate") }
        guard taps.allSatisfy({ $0.width > 0 && $0.height > 0 && $0.channels > 0 }) else {
            throw KernelError.shapeMismatch("an empty feature map")
        }
        let (tapBins, bins) = try channelBins(taps.map(\.channels))
        let positions = finest.width * finest.height, stride = tapBins.count
        // Every column of every row is written, each tap its own bins: disjoint columns, so the taps
        // may be written at the same time.
        var jobs: [(columns: QuantizedTapColumns, tap: QuantizedTensor, first: Int)] = []
        var (first, c0) = (0, 0)   // the tap's first column and first concatenated channel
        for tap in taps {
            let own = tapBins[first..<(first + Self.binCount(channels: tap.channels, tapDimension: tapDimension))]
            let local = QuantizedTapColumns(bins: own.map { ($0.lowerBound - c0)..<($0.upperBound - c0) },
                                            neighbourhood: neighbourhood, gridWidth: finest.width, gridHeight: finest.height)
            jobs.append((local, tap, first))
            first += own.count
            c0 += tap.channels
        }
        let work = jobs
        let columns = [Float](unsafeUninitializedCapacity: positions * stride) { rows, initialized in
            if let loop, work.count > 1 {
                let shared = SharedBuffer(rows)
                loop(work.count) { i in write(work[i].columns, work[i].tap, shared.pointer, stride, work[i].first) }
            } else {
                for job in work { write(job.columns, job.tap, rows, stride, job.first) }
            }
            initialized = positions * stride
        }
        if bins.count == stride && bins.enumerated().allSatisfy({ $0.element == $0.offset..<($0.offset + 1) }) {
            return (PatchFeatureMatrix(count: positions, dimension: stride, values: columns), finest.width, finest.height)
        }
        // As the float path's second pooling: each mean summed from 0 in column order, then divided.
        var out = [Float](repeating: 0, count: positions * bins.count)
        for p in 0..<positions {
            for (d, bin) in bins.enumerated() {
                var s: Float = 0
                for j in bin { s += columns[p * stride + j] }
                out[p * bins.count + d] = s / Float(bin.count)
            }
        }
        return (PatchFeatureMatrix(count: positions, dimension: bins.count, values: out), finest.width, finest.height)
    }

    /// Per-channel mean over the neighbourhood, zero padding included in the divisor.
    public func localMean(_ input: Tensor3) -> Tensor3 {
        ChannelPooling.localMean(input, neighbourhood: neighbourhood)
    }

    /// Each tap averaged over the neighbourhood by `localMean` and brought to the finest tap's grid.
    func gridPlanes(_ taps: [Tensor3], localMean: (Tensor3) -> Tensor3) throws -> (planes: [Tensor3], width: Int, height: Int) {
        guard let finest = taps.first else { throw KernelError.shapeMismatch("no feature taps to aggregate") }
        guard finest.width > 0, finest.height > 0 else { throw KernelError.shapeMismatch("an empty feature map") }
        let planes = try taps.map { tap in
            let pooled = localMean(tap)
            return pooled.width == finest.width && pooled.height == finest.height
                ? pooled : try Self.upsampled(pooled, width: finest.width, height: finest.height)
        }
        return (planes, finest.width, finest.height)
    }

    /// The channel ranges of the per-tap pooling (adaptive bins over each tap's own channels,
    /// numbered across the concatenation) and of the overall one (over the per-tap bins).
    func channelBins(_ channels: [Int]) throws -> (tapBins: [Range<Int>], bins: [Range<Int>]) {
        var tapBins: [Range<Int>] = []
        var c0 = 0
        for count in channels {
            let bins = Self.adaptiveBins(length: count, outputs: Self.binCount(channels: count, tapDimension: tapDimension))
            tapBins += bins.map { ($0.lowerBound + c0)..<($0.upperBound + c0) }
            c0 += count
        }
        let outDimension = targetDimension ?? tapBins.count
        guard outDimension >= 1, outDimension <= tapBins.count else {
            throw KernelError.shapeMismatch("target dimension \(outDimension) must be in 1...\(tapBins.count)")
        }
        return (tapBins, Self.adaptiveBins(length: tapBins.count, outputs: outDimension))
    }

    /// How many bins a tap of `channels` channels is pooled to.
    static func binCount(channels: Int, tapDimension: Int?) -> Int {
        min(channels, tapDimension ?? channels)
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
