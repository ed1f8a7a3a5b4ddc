import PatchCore

/// Reference twins of the metrics, written the slow and obvious way (every pair, every threshold
/// times every pixel) so the fast sweeps have something independent to agree with.
enum BruteForceMetrics {
    /// Mann-Whitney: the share of (anomalous, good) pairs ranked correctly, ties counting half.
    static func auroc(scores: [Double], labels: [Bool]) -> Double {
        var wins = 0.0, pairs = 0.0
        for (anomalousScore, isAnomalous) in zip(scores, labels) where isAnomalous {
            for (goodScore, isGood) in zip(scores, labels.map { !$0 }) where isGood {
                pairs += 1
                if anomalousScore > goodScore {
                    wins += 1
                } else if anomalousScore == goodScore {
                    wins += 0.5
                }
            }
        }
        return wins / pairs
    }

    /// The PRO curve evaluated at every distinct score, then integrated as MVTec AD's
    /// `trapezoid(x, y, x_max)` does (bisect for the crossing, interpolate, add a correction).
    static func aupro(_ maps: [LabeledAnomalyMap], maxFPR: Double) throws -> Double {
        var regions: [(scores: [Float], size: Int)] = []
        var normalScores: [Float] = []
        for map in maps {
            let components = try ConnectedComponents(mask: map.mask, width: map.width, height: map.height)
            var byRegion = [[Float]](repeating: [], count: components.count)
            for (score, label) in zip(map.scores, components.labels) {
                if label == 0 {
                    normalScores.append(score)
                } else {
                    byRegion[Int(label) - 1].append(score)
                }
            }
            regions += byRegion.map { ($0, $0.count) }
        }
        let thresholds = Set(maps.flatMap(\.scores).map { $0 == 0 ? Float(0) : $0 }).sorted(by: >)
        var xs = [0.0], ys = [0.0]
        for threshold in thresholds {
            let falsePositives = normalScores.filter { $0 >= threshold }.count
            let overlaps = regions.map { Double($0.scores.filter { $0 >= threshold }.count) / Double($0.size) }
            xs.append(Double(falsePositives) / Double(normalScores.count))
            ys.append(overlaps.reduce(0, +) / Double(regions.count))
        }
        var correction = 0.0
        if !xs.contains(maxFPR), let ins = xs.firstIndex(where: { $0 > maxFPR }) {
            let yInterp = ys[ins - 1] + (ys[ins] - ys[ins - 1]) * (maxFPR - xs[ins - 1]) / (xs[ins] - xs[ins - 1])
            correction = 0.5 * (yInterp + ys[ins - 1]) * (maxFPR - xs[ins - 1])
        }
        let kept = xs.indices.filter { xs[$0] <= maxFPR }
        var area = 0.0
        for (a, b) in zip(kept, kept.dropFirst()) {
            area += 0.5 * (ys[b] + ys[a]) * (xs[b] - xs[a])
        }
        return (area + correction) / maxFPR
    }
}
