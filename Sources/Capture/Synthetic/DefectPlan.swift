import Glibc

/// One defect drawn on a part: where it is (part coordinates) and how it changes the surface.
struct DefectPlan: Sendable {
    enum Geometry: Sendable {
        /// A bright line from `a` to `b`, `width` pixels wide.
        case scratch(a: SIMD2<Float>, b: SIMD2<Float>, width: Float)
        /// An elliptical hollow, shaded as lit from the upper left.
        case dent(centre: SIMD2<Float>, radii: SIMD2<Float>, angle: Float)
        /// Overlapping soft blots; each blob is (x, y, radius).
        case stain(blobs: [SIMD3<Float>])
        /// A bite out of the outline: the part is gone inside the disc.
        case missingPiece(centre: SIMD2<Float>, radius: Float)
    }

    let kind: DefectKind
    let geometry: Geometry
    /// Part-space box holding every point the defect can change, anti-aliasing included.
    let lower: SIMD2<Float>
    let upper: SIMD2<Float>

    private static let scratchColor = SIMD3<Float>(248, 246, 240)
    private static let stainColor = SIMD3<Float>(92, 66, 30)

    /// Draws a defect of `kind` for `shape`, sized relative to the part.
    static func make(_ kind: DefectKind, on shape: some PartShape, using rng: inout SyntheticRandom) -> DefectPlan {
        let s = shape.size
        switch kind {
        case .scratch:
            let half = rng.float(0.14...0.26) * s
            let width = rng.float(1.4...2.4)
            let centre = shape.facePoint(margin: half + width + 2, using: &rng)
            let angle = rng.float(0...Float.pi)
            let direction = SIMD2<Float>(cos(angle), sin(angle)) * half
            let fringe = width / 2 + 1.5
            let a = centre - direction, b = centre + direction
            return DefectPlan(kind: kind, geometry: .scratch(a: a, b: b, width: width),
                              lower: pointwiseMin(a, b) - fringe, upper: pointwiseMax(a, b) + fringe)
        case .dent:
            let radius = rng.float(0.08...0.14) * s
            let radii = SIMD2<Float>(radius, radius * rng.float(0.65...1))
            let centre = shape.facePoint(margin: radius + 3, using: &rng)
            let angle = rng.float(0...Float.pi)
            return DefectPlan(kind: kind, geometry: .dent(centre: centre, radii: radii, angle: angle),
                              lower: centre - radius - 1, upper: centre + radius + 1)
        case .stain:
            let centre = shape.facePoint(margin: 0.25 * s, using: &rng)
            var blobs: [SIMD3<Float>] = []
            var lower = centre, upper = centre
            for _ in 0..<(2 + rng.index(3)) {
                let radius = rng.float(0.05...0.1) * s
                let offset = SIMD2<Float>(rng.float(-1...1), rng.float(-1...1)) * (0.08 * s)
                let c = centre + offset
                blobs.append(SIMD3(c.x, c.y, radius))
                lower = pointwiseMin(lower, c - radius - 1)
                upper = pointwiseMax(upper, c + radius + 1)
            }
            return DefectPlan(kind: kind, geometry: .stain(blobs: blobs), lower: lower, upper: upper)
        case .missingPiece:
            let radius = rng.float(0.12...0.2) * s
            let centre = shape.edgePoint(using: &rng)
            return DefectPlan(kind: kind, geometry: .missingPiece(centre: centre, radius: radius),
                              lower: centre - radius - 1, upper: centre + radius + 1)
        }
    }

    /// The part's coverage and colour at `p` with the defect applied.
    @inline(__always)
    func apply(at p: SIMD2<Float>, coverage: Float, color: SIMD3<Float>) -> (coverage: Float, color: SIMD3<Float>) {
        guard p.x >= lower.x, p.y >= lower.y, p.x <= upper.x, p.y <= upper.y, coverage > 0 else {
            return (coverage, color)
        }
        switch geometry {
        case .scratch(let a, let b, let width):
            let ab = b - a
            let t = clamp01(((p - a) * ab).sum() / (ab * ab).sum())
            let distance = length(p - (a + ab * t))
            let ink = clamp01(width / 2 + 0.5 - distance)
            return (coverage, mix(color, Self.scratchColor, 0.7 * ink))
        case .dent(let centre, let radii, let angle):
            let d = p - centre
            let c = cos(angle), s = sin(angle)
            let local = SIMD2<Float>(c * d.x + s * d.y, -s * d.x + c * d.y) / radii
            let q = length(local)
            guard q < 1 else { return (coverage, color) }
            // A hollow lit from the upper left: its upper-left wall faces away from the lamp.
            let slope = (d.x + d.y) / (1.414 * max(radii.x, radii.y))
            let shade = 1 + 0.9 * slope * (1 - smoothstep(0.8, 1, q)) - 0.25 * (1 - q)
            return (coverage, color * max(0.2, shade))
        case .stain(let blobs):
            var ink: Float = 0
            for blob in blobs {
                let distance = length(p - SIMD2(blob.x, blob.y))
                ink = max(ink, 1 - smoothstep(blob.z * 0.4, blob.z, distance))
            }
            return (coverage, mix(color, Self.stainColor, 0.75 * ink))
        case .missingPiece(let centre, let radius):
            return (coverage * clamp01(length(p - centre) - radius + 0.5), color)
        }
    }
}
