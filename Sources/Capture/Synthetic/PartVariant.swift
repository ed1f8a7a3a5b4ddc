import Glibc
/// One of the bounded set of looks a product comes in: a cap's knurl pattern, a bracket's
/// brushing grain and the angle it lies at.
///
/// Every part is one of ``count`` variants of its line (drawn per part), so each look can be
/// rendered once as a ``PartSprite`` and reused; position, lighting, belt and noise still
/// change from part to part, so no two frames are alike.
struct PartVariant: Sendable {
    /// Variants per line: enough that a model taught on a few dozen parts meets each look
    /// several times in several places, few enough that all their sprites stay small.
    static let count = 16

    /// The concrete shape, so per-pixel calls are specialised instead of going through an
    /// existential.
    enum Shape: Sendable {
        case bottleCap(BottleCap)
        case bracket(Bracket)
    }

    /// Which of the ``count`` variants this is.
    let index: Int
    let shape: Shape
    /// Rotation of the part on the belt, radians.
    let angle: Float
    private let cosine: Float
    private let sine: Float
    /// Where the part's shadow falls, relative to the part (frame axes).
    let shadowOffset: SIMD2<Float>
    /// Part and shadow lie inside offsets -reach..<reach from the centre, in whole pixels.
    let reach: Int

    init(product: SyntheticProduct, index: Int, seed: UInt64, width: Int, height: Int) {
        var draws = SyntheticRandom(seed: seed, part: index, stream: .variant)
        let side = Float(min(width, height))
        switch product {
        case .bottleCap:
            shape = .bottleCap(BottleCap(radius: 0.32 * side, knurlPhase: draws.float(0...(2 * .pi))))
            angle = 0
        case .bracket:
            let halfLength = min(0.4 * side * 1.05, 0.42 * Float(width))
            shape = .bracket(Bracket(halfLength: halfLength, halfHeight: 0.18 * side, grainKey: draws.bits()))
            angle = draws.float(-0.07...0.07)
        }
        self.index = index
        cosine = cos(angle)
        sine = sin(angle)
        let size = Self.size(of: shape)
        shadowOffset = SIMD2<Float>(3, 4) * (size.characteristic / 120)
        reach = Int((size.extent + length(shadowOffset) + 2).rounded(.up))
    }

    /// The shape as the defect planner sees it.
    var partShape: any PartShape {
        switch shape {
        case .bottleCap(let cap): cap
        case .bracket(let bracket): bracket
        }
    }

    private static func size(of shape: Shape) -> (characteristic: Float, extent: Float) {
        switch shape {
        case .bottleCap(let cap): (cap.size, cap.extent)
        case .bracket(let bracket): (bracket.size, bracket.extent)
        }
    }

    /// Frame offset from the part's centre to part coordinates (rotates by -angle).
    @inline(__always)
    func toPart(_ d: SIMD2<Float>) -> SIMD2<Float> {
        SIMD2(cosine * d.x + sine * d.y, -sine * d.x + cosine * d.y)
    }

    /// Part coordinates to a frame offset from the part's centre (rotates by +angle).
    func toFrame(_ p: SIMD2<Float>) -> SIMD2<Float> {
        SIMD2(cosine * p.x - sine * p.y, sine * p.x + cosine * p.y)
    }

    /// The offset from the part's centre to the centre of the pixel `(dx, dy)` whole pixels away.
    @inline(__always)
    static func offset(_ dx: Int, _ dy: Int) -> SIMD2<Float> {
        SIMD2(Float(dx) + 0.5, Float(dy) + 0.5)
    }

    /// True when the pixel `(dx, dy)` from the centre can show the part or its shadow.
    @inline(__always)
    func reaches(_ dx: Int, _ dy: Int) -> Bool {
        dx >= -reach && dx < reach && dy >= -reach && dy < reach
    }

    /// The part's texel at the pixel `(dx, dy)` whole pixels from its centre.
    @inline(__always)
    func texel(_ dx: Int, _ dy: Int) -> PartTexel {
        switch shape {
        case .bottleCap(let cap): texel(of: cap, dx, dy)
        case .bracket(let bracket): texel(of: bracket, dx, dy)
        }
    }

    @inline(__always)
    private func texel<Part: PartShape>(of part: Part, _ dx: Int, _ dy: Int) -> PartTexel {
        let d = Self.offset(dx, dy)
        let shadow = Shading.byte(255 * part.coverage(at: toPart(d - shadowOffset)))
        let (coverage, color) = part.surface(at: toPart(d))
        let cover = Shading.byte(255 * coverage)
        // Where the part does not show, its colour must not matter: keep empty texels equal.
        guard cover > 0 else { return PartTexel(color: .zero, cover: 0, shadow: shadow) }
        return PartTexel(color: SIMD3(Shading.byte(color.x), Shading.byte(color.y), Shading.byte(color.z)),
                         cover: cover, shadow: shadow)
    }
}
