/// One pixel of a part as a sprite stores it: the surface colour, and how much of the pixel
/// the part and its shadow cover, 8 bits each.
struct PartTexel: Sendable, Equatable {
    var red: UInt8
    var green: UInt8
    var blue: UInt8
    /// The part's coverage, 0 (belt only) ... 255 (all part).
    var cover: UInt8
    /// The shadow's coverage, 0...255.
    var shadow: UInt8

    /// Neither part nor shadow.
    static let empty = PartTexel(color: .zero, cover: 0, shadow: 0)

    init(color: SIMD3<UInt8>, cover: UInt8, shadow: UInt8) {
        red = color.x
        green = color.y
        blue = color.z
        self.cover = cover
        self.shadow = shadow
    }

    var isEmpty: Bool { cover == 0 && shadow == 0 }

    /// The surface as the shading and the defects work on it.
    @inline(__always)
    var surface: (coverage: Float, color: SIMD3<Float>) {
        (Shading.level(cover), SIMD3(Float(red), Float(green), Float(blue)))
    }
}
