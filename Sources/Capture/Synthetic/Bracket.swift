/// A brushed-steel mounting bracket from above: a rounded rectangle with two holes (the belt
/// shows through), bevelled edges, and a bent flange along one long side.
struct Bracket: PartShape {
    let halfLength: Float
    let halfHeight: Float
    /// Key of the brushing streaks, so brackets differ like real sheet metal does.
    let grainKey: UInt64

    private static let steel = SIMD3<Float>(166, 170, 178)
    // Derived once: surface(at:) runs for every pixel of the frame.
    private let corner: Float
    private let holeRadius: Float
    private let leftHole: SIMD2<Float>
    private let rightHole: SIMD2<Float>
    private let flangeStart: Float

    init(halfLength: Float, halfHeight: Float, grainKey: UInt64) {
        self.halfLength = halfLength
        self.halfHeight = halfHeight
        self.grainKey = grainKey
        corner = halfHeight * 0.18
        holeRadius = halfHeight * 0.32
        leftHole = SIMD2(-halfLength * 0.7, -halfHeight * 0.12)
        rightHole = SIMD2(halfLength * 0.7, -halfHeight * 0.12)
        flangeStart = halfHeight * 0.6
    }

    var size: Float { halfHeight }
    var extent: Float { (halfLength * halfLength + halfHeight * halfHeight).squareRoot() + 1 }

    /// Signed distance to the rounded rectangle's outline (negative inside).
    private func outline(_ p: SIMD2<Float>) -> Float {
        let q = SIMD2<Float>(abs(p.x) - (halfLength - corner), abs(p.y) - (halfHeight - corner))
        let outside = length(SIMD2<Float>(max(q.x, 0), max(q.y, 0)))
        return outside + min(max(q.x, q.y), 0) - corner
    }

    /// Distance from `p` to the nearest hole's rim (negative inside a hole).
    private func holeDistance(_ p: SIMD2<Float>) -> Float {
        min(length(p - leftHole), length(p - rightHole)) - holeRadius
    }

    func coverage(at p: SIMD2<Float>) -> Float {
        clamp01(0.5 - outline(p)) * clamp01(holeDistance(p) + 0.5)
    }

    func surface(at p: SIMD2<Float>) -> (coverage: Float, color: SIMD3<Float>) {
        let edge = outline(p)
        let hole = holeDistance(p)
        let cover = clamp01(0.5 - edge) * clamp01(hole + 0.5)
        guard cover > 0 else { return (0, .zero) }
        // Brushing: each row of the sheet slightly lighter or darker, plus fine grain.
        let row = Int((p.y + halfHeight) * 1.5)
        var shade: Float = 1 + 0.045 * pixelHash(row, 0, grainKey) + 0.015 * pixelHash(Int(p.x * 4), row, grainKey)
        if p.y > flangeStart {
            // The flange is bent down, away from the lamp; a bright crease marks the bend.
            shade *= 0.7
            shade += 0.35 * (1 - smoothstep(0, 2.5, abs(p.y - flangeStart)))
        }
        // Bevels: edges facing the lamp (up, left) catch light, the others fall into shade.
        let bevel = 1 - smoothstep(0, 3, -edge)
        let facing: Float = (p.y < 0 ? 1 : -1) * 0.5 + (p.x < 0 ? 1 : -1) * 0.2
        shade += 0.35 * bevel * facing
        // The inner walls of the holes.
        shade *= 1 - 0.4 * (1 - smoothstep(0, 2.5, hole))
        return (cover, Self.steel * shade)
    }

    func facePoint(margin: Float, using rng: inout SyntheticRandom) -> SIMD2<Float> {
        for _ in 0..<64 {
            let p = SIMD2<Float>(rng.float(-halfLength...halfLength), rng.float(-halfHeight...halfHeight))
            if outline(p) <= -margin, holeDistance(p) >= margin { return p }
        }
        return SIMD2<Float>(0, -halfHeight * 0.2)
    }

    func edgePoint(using rng: inout SyntheticRandom) -> SIMD2<Float> {
        // Along one of the four sides, away from the rounded corners.
        let side = rng.index(4)
        let along = rng.float(-0.8...0.8)
        switch side {
        case 0: return SIMD2(along * halfLength, -halfHeight)
        case 1: return SIMD2(along * halfLength, halfHeight)
        case 2: return SIMD2(-halfLength, along * halfHeight)
        default: return SIMD2(halfLength, along * halfHeight)
        }
    }
}
