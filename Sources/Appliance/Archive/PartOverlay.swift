import Imaging
import Inspection

/// The archived picture of a part an operator looks at: the whole frame at camera resolution,
/// the expert's anomaly map blended over the region it covers, a thin white outline of that
/// region, and the suspect boxes in red (edged in white).
///
/// The whole frame rather than the expert's input crop (`AnomalyOverlay` in PatchCore): the
/// boxes are in camera pixels already, the operator recognises the frame as the camera saw it,
/// and the outline shows what the expert did not look at (outside the ROI, a centre crop's
/// margins). The map is stretched back over that region, undoing the resize.
enum PartOverlay {
    /// Enough to read the colours, little enough to see the part under them.
    static let opacity: Float = 0.45

    static func render(frame: RGBImage, heatmap: PartHeatmap?, boxes: [SuspectBox]) throws -> RGBImage {
        var image = frame
        if let heatmap {
            image = try Heatmap.overlay(heatmap.normalized, on: image, in: heatmap.area, range: 0...1, opacity: opacity)
            image.strokeRect(heatmap.area, color: .white, thickness: 1)
        }
        // Two pixels at VGA, thicker on large frames so that a box survives a thumbnail; a white
        // edge outside it keeps it visible on a red part or the map's hottest colour.
        let thickness = max(2, min(frame.width, frame.height) / 240)
        for box in boxes {
            let rect = Rect(x: box.x, y: box.y, width: box.width, height: box.height)
            image.strokeRect(Rect(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2), color: .white, thickness: 1)
            image.strokeRect(rect, color: .red, thickness: thickness)
        }
        return image
    }
}
