import Imaging

/// A region of the anomaly map the expert points at: what the operator's overlay and the
/// MLLM's evidence image draw as a box.
public struct SuspectRegion: Sendable, Equatable {
    /// Bounding box in the coordinates of the map (the backbone's input crop).
    public var box: Rect
    /// The highest map value inside.
    public var peak: Float
    /// Pixels above the cut level.
    public var area: Int
}

/// Boxes around the hottest parts of an anomaly map, as EAGLE prepares its evidence image: cut
/// the map at a fraction of its maximum, drop tiny regions, merge boxes that nearly touch, keep
/// the strongest few.
public struct SuspectRegionFinder: Sendable {
    /// Cut level as a fraction of the map's maximum (EAGLE: 2/3).
    public var levelFraction: Float
    /// Regions smaller than this share of the map are dropped.
    public var minimumAreaShare: Double
    /// Boxes whose gap is at most this many pixels are merged.
    public var mergeDistance: Int
    public var limit: Int

    public init(levelFraction: Float = 2.0 / 3.0, minimumAreaShare: Double = 0.001, mergeDistance: Int = 8, limit: Int = 3) {
        self.levelFraction = levelFraction
        self.minimumAreaShare = minimumAreaShare
        self.mergeDistance = mergeDistance
        self.limit = limit
    }

    /// The regions of `map`, strongest first. A flat map has none.
    /// - Parameter floor: the cut never goes below this map value; pass the model's threshold so
    ///   that only parts scoring above it are boxed, not the normal texture around a small defect.
    public func regions(in map: FloatPlane, floor: Float = 0) -> [SuspectRegion] {
        guard let top = map.maximum, top.value > 0 else { return [] }
        let level = max(top.value * levelFraction, floor)
        let mask = map.values.map { $0 >= level ? UInt8(1) : 0 }
        guard let components = try? ConnectedComponents(mask: mask, width: map.width, height: map.height) else { return [] }
        var regions = [SuspectRegion](repeating: SuspectRegion(box: Rect(x: 0, y: 0, width: 0, height: 0), peak: 0, area: 0),
                                      count: components.count)
        for (i, label) in components.labels.enumerated() where label != 0 {
            let k = Int(label) - 1
            let pixel = Rect(x: i % map.width, y: i / map.width, width: 1, height: 1)
            regions[k].box = regions[k].box.union(pixel)
            regions[k].peak = max(regions[k].peak, map.values[i])
            regions[k].area += 1
        }
        let minimumArea = Int((Double(map.width * map.height) * minimumAreaShare).rounded(.up))
        return Array(merged(regions.filter { $0.area >= minimumArea }).sorted { $0.peak > $1.peak }.prefix(limit))
    }

    /// Merges boxes closer than ``mergeDistance`` until none are.
    func merged(_ input: [SuspectRegion]) -> [SuspectRegion] {
        var regions = input
        var changed = true
        while changed {
            changed = false
            search: for i in regions.indices {
                for j in regions.indices where j > i && gap(regions[i].box, regions[j].box) <= mergeDistance {
                    regions[i] = SuspectRegion(box: regions[i].box.union(regions[j].box),
                                               peak: max(regions[i].peak, regions[j].peak), area: regions[i].area + regions[j].area)
                    regions.remove(at: j)
                    changed = true
                    break search
                }
            }
        }
        return regions
    }

    /// Pixels between two boxes along the axis where they are farthest apart (0 if they touch).
    func gap(_ a: Rect, _ b: Rect) -> Int {
        let dx = max(0, max(a.x, b.x) - min(a.maxX, b.maxX))
        let dy = max(0, max(a.y, b.y) - min(a.maxY, b.maxY))
        return max(dx, dy)
    }
}
