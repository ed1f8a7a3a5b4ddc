import Imaging
import Inspection

/// One part's images waiting in the archive's queue: the part (with the paths planned for it),
/// the frame, and the anomaly map for the overlay.
struct ArchiveItem: Sendable {
    let part: Part
    let frame: RGBImage
    let heatmap: PartHeatmap?

    /// A good part kept only as an audit sample: the first to go when the queue is full, since
    /// rejected, unsure and not inspected parts are the ones someone will ask about.
    var isAudit: Bool { part.verdict == .pass }

    /// Memory the item holds (the frame and the map), for the queue's bound.
    var bytes: Int { frame.pixels.count + (heatmap?.map.values.count ?? 0) * MemoryLayout<Float>.size }
}
