/// An 8-bit RGB colour.
public struct RGBColor: Sendable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// The colour of suspect-region boxes in the evidence image sent to the MLLM (EAGLE's red).
    public static let red = RGBColor(r: 255, g: 0, b: 0)
    public static let green = RGBColor(r: 0, g: 255, b: 0)
    public static let yellow = RGBColor(r: 255, g: 255, b: 0)
    public static let white = RGBColor(r: 255, g: 255, b: 255)
}

extension Image where Layout == RGB8 {
    /// Fills `rect` (clipped to the image) with `color`.
    public mutating func fill(_ rect: Rect, color: RGBColor) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            var i = (y * width + r.x) * 3
            for _ in r.x..<r.maxX {
                pixels[i] = color.r
                pixels[i + 1] = color.g
                pixels[i + 2] = color.b
                i += 3
            }
        }
    }

    /// Draws the outline of `rect` `thickness` pixels wide, inside the rectangle, clipped to the
    /// image: a box drawn on the image's edge stays visible.
    public mutating func strokeRect(_ rect: Rect, color: RGBColor, thickness: Int = 2) {
        guard !rect.isEmpty, thickness > 0 else { return }
        let t = min(thickness, (min(rect.width, rect.height) + 1) / 2)
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: t), color: color)
        fill(Rect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), color: color)
        fill(Rect(x: rect.x, y: rect.y, width: t, height: rect.height), color: color)
        fill(Rect(x: rect.maxX - t, y: rect.y, width: t, height: rect.height), color: color)
    }
}
