/// The PRO curve and its normalised area (AUPRO), as in MVTec AD (Bergmann et al., IJCV 2021).
///
/// For a threshold, each ground-truth region's overlap is the fraction of its pixels scored at
/// or above it; PRO is the mean over all regions of all maps, so a small defect weighs as much as
/// a large one (unlike pixel AUROC). The sweep adds `1 / region size` per region pixel passed,
/// which is that mean updated incrementally, one tie group at a time.
extension PixelRanking {
    /// The PRO curve from (0, 0) at threshold `+infinity`, one point per distinct score, up to
    /// the last point with `falsePositiveRate <= maxFPR`. The full curve (`maxFPR` 1) has as many
    /// points as distinct scores: millions for real maps.
    /// - Throws: `MetricsError.invalidIntegrationLimit` unless `maxFPR` is in (0, 1].
    public func proCurve(maxFPR: Double = 1) throws(MetricsError) -> [PROPoint] {
        try Self.checkLimit(maxFPR)
        var points = [PROPoint(threshold: .infinity, falsePositiveRate: 0, overlap: 0)]
        forEachPROPoint { point in
            guard point.falsePositiveRate <= maxFPR else { return false }
            points.append(point)
            return true
        }
        return points
    }

    /// AUPRO: the area under the PRO curve for FPR from 0 to `maxFPR` (the curve interpolated
    /// linearly at `maxFPR`), divided by `maxFPR` so that a perfect map scores 1.
    /// - Throws: `MetricsError.invalidIntegrationLimit` unless `maxFPR` is in (0, 1].
    public func aupro(maxFPR: Double = 0.3) throws(MetricsError) -> Double {
        try Self.checkLimit(maxFPR)
        var integral = TruncatedTrapezoid(limit: maxFPR)
        forEachPROPoint { point in
            integral.add(x: point.falsePositiveRate, y: point.overlap)
        }
        return integral.area / maxFPR
    }

    private func forEachPROPoint(_ visit: (PROPoint) -> Bool) {
        let normal = Double(normalPixels), regions = Double(regionCount)
        var falsePositives = 0
        var overlapSum = 0.0
        forEachTieGroup { key, normalInGroup, _, weight in
            falsePositives += normalInGroup
            overlapSum += weight
            // Rounding in the running sum could end a hair above 1; MVTec's code clips too.
            return visit(PROPoint(
                threshold: DescendingScoreKey.score(key),
                falsePositiveRate: Double(falsePositives) / normal,
                overlap: min(overlapSum / regions, 1)
            ))
        }
    }

    private static func checkLimit(_ maxFPR: Double) throws(MetricsError) {
        guard maxFPR > 0, maxFPR <= 1 else { throw .invalidIntegrationLimit(maxFPR) }
    }
}

/// AUPRO of the maps up to `maxFPR` (0.3 as in MVTec AD and anomalib); see
/// ``PixelRanking/aupro(maxFPR:)``.
/// - Throws: as ``PixelRanking/init(_:)`` and ``PixelRanking/aupro(maxFPR:)``.
public func aupro(_ maps: [LabeledAnomalyMap], maxFPR: Double = 0.3) throws(MetricsError) -> Double {
    try PixelRanking(maps).aupro(maxFPR: maxFPR)
}
