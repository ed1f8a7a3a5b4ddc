/// All pixels of a set of labeled anomaly maps, sorted once by descending score, from which
/// pixel AUROC and the PRO curve are read in linear sweeps.
///
/// Normal pixels, the vast majority, are kept as bare 4-byte score keys; only anomalous pixels
/// carry their ground-truth region (a number unique across all maps) beside the key. The two
/// sorted lists are merged during each sweep. 83 maps of 224x224 (4.2 M pixels) take about
/// 17 MB, and as much again while sorting.
public struct PixelRanking: Sendable {
    /// Score keys of normal pixels, ascending = scores descending.
    private let normalKeys: [UInt32]
    /// Score key in the upper half, region number (1...regionCount) in the lower; sorted.
    private let anomalousEntries: [UInt64]
    /// `1 / size` of each ground-truth region, indexed by region number (index 0 unused): the
    /// PRO gain when one more of its pixels is above the threshold.
    private let regionWeights: [Double]

    /// Pixels inside a ground-truth region, over all maps.
    public var anomalousPixels: Int { anomalousEntries.count }
    /// Pixels outside every ground-truth region, over all maps.
    public var normalPixels: Int { normalKeys.count }
    /// 8-connected ground-truth regions over all maps.
    public var regionCount: Int { regionWeights.count - 1 }

    /// Labels every mask's regions and sorts all pixels, in O(n) (radix sort on the score bits).
    /// - Throws: `MetricsError.empty` without maps, `MetricsError.singleClass` unless there are
    ///   both normal and anomalous pixels.
    public init(_ maps: [LabeledAnomalyMap]) throws(MetricsError) {
        guard !maps.isEmpty else { throw .empty }
        let total = maps.reduce(0) { $0 + $1.scores.count }
        let anomalous = maps.reduce(0) { sum, map in sum + map.mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
        guard anomalous > 0, anomalous < total else {
            throw .singleClass(anomalous: anomalous, good: total - anomalous)
        }
        var normalKeys: [UInt32] = []
        normalKeys.reserveCapacity(total - anomalous)
        var anomalousEntries: [UInt64] = []
        anomalousEntries.reserveCapacity(anomalous)
        var weights: [Double] = [0]
        for map in maps {
            let components = try ConnectedComponents(mask: map.mask, width: map.width, height: map.height)
            let firstRegion = UInt32(weights.count - 1)
            weights += components.sizes.map { 1 / Double($0) }
            for (score, label) in zip(map.scores, components.labels) {
                let key = DescendingScoreKey.key(score)
                if label == 0 {
                    normalKeys.append(key)
                } else {
                    anomalousEntries.append(UInt64(key) << 32 | UInt64(firstRegion + label))
                }
            }
        }
        RadixSort.sort(&normalKeys)
        RadixSort.sort(&anomalousEntries)
        self.normalKeys = normalKeys
        self.anomalousEntries = anomalousEntries
        self.regionWeights = weights
    }

    /// Pixel AUROC: every pixel a sample, mask pixels anomalous; exact for ties.
    public func auroc() -> Double {
        var area = ROCArea()
        forEachTieGroup { _, normal, anomalous, _ in
            area.addTieGroup(anomalous: anomalous, good: normal)
            return true
        }
        return area.value
    }

    /// Visits the pixels of each distinct score, highest first, with that score's key, how many
    /// of them are normal and anomalous, and the sum of their region weights. `visit` returns
    /// false to stop.
    func forEachTieGroup(_ visit: (_ key: UInt32, _ normal: Int, _ anomalous: Int, _ regionWeight: Double) -> Bool) {
        normalKeys.withUnsafeBufferPointer { normal in
            anomalousEntries.withUnsafeBufferPointer { anomalous in
                regionWeights.withUnsafeBufferPointer { weights in
                    var i = 0, j = 0
                    while i < normal.count || j < anomalous.count {
                        let key: UInt32
                        if i == normal.count {
                            key = anomalous[j].radixKey
                        } else if j == anomalous.count {
                            key = normal[i]
                        } else {
                            key = min(normal[i], anomalous[j].radixKey)
                        }
                        let firstNormal = i
                        while i < normal.count, normal[i] == key { i += 1 }
                        let firstAnomalous = j
                        var weight = 0.0
                        while j < anomalous.count, anomalous[j].radixKey == key {
                            weight += weights[Int(truncatingIfNeeded: anomalous[j] & 0xFFFF_FFFF)]
                            j += 1
                        }
                        if !visit(key, i - firstNormal, j - firstAnomalous, weight) { return }
                    }
                }
            }
        }
    }
}

/// Pixel AUROC over the flattened maps (see ``PixelRanking/auroc()``).
/// - Throws: as ``PixelRanking/init(_:)``.
public func pixelAUROC(_ maps: [LabeledAnomalyMap]) throws(MetricsError) -> Double {
    try PixelRanking(maps).auroc()
}
