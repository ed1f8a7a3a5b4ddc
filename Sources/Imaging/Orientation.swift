/// A rigid re-orientation of an image: the flips and quarter turns a part can show on a belt.
public enum Orientation: String, Sendable, Equatable, CaseIterable, Codable {
    /// Left and right swapped (a mirror about the vertical axis).
    case flipHorizontal = "flip_h"
    /// Top and bottom swapped.
    case flipVertical = "flip_v"
    /// Half a turn.
    case rotate180 = "rot180"
    /// A quarter turn clockwise: width and height swap.
    case rotate90 = "rot90"
    /// A quarter turn counter-clockwise: width and height swap.
    case rotate270 = "rot270"

    /// Whether the result has the source's width and height swapped.
    public var swapsAxes: Bool { self == .rotate90 || self == .rotate270 }
}

extension Image {
    /// The image re-oriented; rows are copied pixel by pixel (teach-time only, not on the
    /// frame path).
    public func oriented(_ orientation: Orientation) -> Image {
        let c = Layout.channels
        let (outWidth, outHeight) = orientation.swapsAxes ? (height, width) : (width, height)
        var out = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        // The source pixel that lands at (x, y).
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case .flipHorizontal: (sx, sy) = (width - 1 - x, y)
                        case .flipVertical: (sx, sy) = (x, height - 1 - y)
                        case .rotate180: (sx, sy) = (width - 1 - x, height - 1 - y)
                        case .rotate90: (sx, sy) = (y, height - 1 - x)
                        case .rotate270: (sx, sy) = (width - 1 - y, x)
                        }
                        let from = (sy * width + sx) * c, to = (y * outWidth + x) * c
                        for k in 0..<c { target[to + k] = source[from + k] }
                    }
                }
            }
        }
        return Image(uncheckedWidth: outWidth, height: outHeight, pixels: out)
    }
}
