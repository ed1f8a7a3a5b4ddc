import Imaging
import Inspection

/// The pictures of one part the model is shown (EAGLE): the inspected crop, scaled so that its
/// longer side is the configured size, and the same crop with red boxes around at most three
/// suspect regions, strongest first.
public struct EvidenceImages: Sendable {
    /// The most regions marked: more boxes make the model look everywhere (EAGLE uses three).
    public static let maxBoxes = 3

    public var original: RGBImage
    /// The crop with the boxes drawn; nil when the expert marked no region.
    public var boxed: RGBImage?
    /// The boxes drawn, in ``original``'s pixels, strongest first.
    public var boxes: [Rect]

    /// Crops `subject`'s region from its frame, scales it to `size` pixels on the longer side
    /// and draws the part's first ``maxBoxes`` suspect boxes (camera pixels) on a copy.
    public init(_ subject: ExplainSubject, size: Int) throws {
        let region = subject.region.isEmpty ? subject.frame.bounds : subject.region
        let crop = region == subject.frame.bounds ? subject.frame : try subject.frame.cropped(to: region)
        let scale = Double(max(16, size)) / Double(max(crop.width, crop.height))
        let width = max(1, Int((Double(crop.width) * scale).rounded()))
        let height = max(1, Int((Double(crop.height) * scale).rounded()))
        original = width == crop.width && height == crop.height
            ? crop : try crop.resized(width: width, height: height, filter: scale < 1 ? .area : .bilinear)
        let bounds = original.bounds
        boxes = subject.part.boxes.prefix(Self.maxBoxes).compactMap { box in
            let x0 = Int((Double(box.x - region.x) * scale).rounded(.down))
            let y0 = Int((Double(box.y - region.y) * scale).rounded(.down))
            let x1 = Int((Double(box.x + box.width - region.x) * scale).rounded(.up))
            let y1 = Int((Double(box.y + box.height - region.y) * scale).rounded(.up))
            let rect = Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0).intersection(bounds)
            return rect.isEmpty ? nil : rect
        }
        guard !boxes.isEmpty else {
            boxed = nil
            return
        }
        var marked = original
        // Thick enough to see at a glance once the model's own resizer has shrunk the image.
        let thickness = max(2, min(width, height) / 112)
        for rect in boxes {
            // Grown by the line width so the stroke lies around the region, not over it.
            let grown = Rect(x: rect.x - thickness, y: rect.y - thickness, width: rect.width + 2 * thickness,
                             height: rect.height + 2 * thickness)
            marked.strokeRect(grown, color: .red, thickness: thickness)
        }
        boxed = marked
    }

    /// Where a box lies on the crop, in words an operator and a model share ("upper left").
    public func location(of box: Rect) -> String {
        let cx = Double(box.x) + Double(box.width) / 2, cy = Double(box.y) + Double(box.height) / 2
        let column = cx < Double(original.width) / 3 ? "left" : cx < 2 * Double(original.width) / 3 ? "" : "right"
        let row = cy < Double(original.height) / 3 ? "upper" : cy < 2 * Double(original.height) / 3 ? "" : "lower"
        switch (row, column) {
        case ("", ""): return "centre"
        case ("", let column): return "\(column) side"
        case (let row, ""): return "\(row) middle"
        default: return "\(row) \(column)"
        }
    }
}
