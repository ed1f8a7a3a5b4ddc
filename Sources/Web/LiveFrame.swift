import Imaging
import Inspection

/// What the live view draws: the latest part's frame, its anomaly map over the area the expert
/// looked at, and its suspect boxes. Built by the line in O(1) (images and maps are shared, not
/// copied); drawn and encoded only on the web side, and only when a viewer asks.
public struct LiveFrame: Sendable {
    public var part: Part
    public var image: RGBImage
    /// The expert's map in raw scores, the frame's pixels it covers, and the raw scores drawn
    /// coldest and hottest (the operators' scale 0...1); nil when the part was not scored.
    public var map: FloatPlane?
    public var mapArea: Rect?
    public var mapRange: ClosedRange<Float>

    public init(part: Part, image: RGBImage, map: FloatPlane? = nil, mapArea: Rect? = nil, mapRange: ClosedRange<Float> = 0...1) {
        self.part = part
        self.image = image
        self.map = map
        self.mapArea = mapArea
        self.mapRange = mapRange
    }

    /// The frame with the map blended in and the boxes in red edged in white, as the archive's
    /// overlay draws them.
    public func rendered() throws -> RGBImage {
        var drawn = image
        if let map, let mapArea {
            drawn = try Heatmap.overlay(map, on: drawn, in: mapArea, range: mapRange, opacity: 0.45)
            drawn.strokeRect(mapArea, color: .white, thickness: 1)
        }
        let thickness = max(2, min(image.width, image.height) / 240)
        for box in part.boxes {
            let rect = Rect(x: box.x, y: box.y, width: box.width, height: box.height)
            drawn.strokeRect(Rect(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2), color: .white, thickness: 1)
            drawn.strokeRect(rect, color: .red, thickness: thickness)
        }
        return drawn
    }
}
