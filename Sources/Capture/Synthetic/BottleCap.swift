import Foundation

/// A red plastic bottle cap from above: a flat top with a soft highlight, a moulded groove, and
/// a knurled rim whose ridges catch the light.
struct BottleCap: PartShape {
    let radius: Float
    /// Rotation of the knurl pattern, so caps do not all look stamped from one image.
    let knurlPhase: Float

    private static let plastic = SIMD3<Float>(196, 34, 38)
    private static let highlight = SIMD3<Float>(255, 235, 235)
    private static let ridges: Float = 72

    var size: Float { radius }
    var extent: Float { radius + 1 }

    func coverage(at p: SIMD2<Float>) -> Float {
        clamp01(radius - length(p) + 0.5)
    }

    func surface(at p: SIMD2<Float>) -> (coverage: Float, color: SIMD3<Float>) {
        let r = length(p)
        let cover = clamp01(radius - r + 0.5)
        guard cover > 0 else { return (0, .zero) }
        let t = r / radius
        var shade: Float
        if t < 0.8 {
            // Slightly domed top: brighter in the middle.
            shade = 1.0 - 0.12 * (t / 0.8) * (t / 0.8)
        } else {
            // Knurled rim: ridges modulate brightness, falling off toward the edge.
            let angle = Float(atan2(Double(p.y), Double(p.x)))
            let ridge = cos(Self.ridges * angle + knurlPhase)
            let rim = (t - 0.8) / 0.2
            shade = (0.80 + 0.12 * ridge) * (1 - 0.35 * rim * rim)
        }
        // The moulded groove between top and rim.
        let groove = 1 - 0.45 * (1 - smoothstep(0, 0.025, abs(t - 0.8)))
        shade *= groove
        var color = Self.plastic * shade
        // Specular highlight of the lamp, up and to the left (negligible beyond 4 sigma).
        let offset = p - SIMD2<Float>(-0.32, -0.36) * radius
        let spread = 2 * 0.16 * 0.16 * radius * radius
        let distance2 = (offset * offset).sum()
        if distance2 < 8 * spread {
            color = mix(color, Self.highlight, 0.55 * exp(-distance2 / spread))
        }
        return (cover, color)
    }

    func facePoint(margin: Float, using rng: inout SyntheticRandom) -> SIMD2<Float> {
        let reach = max(0, radius - margin)
        for _ in 0..<64 {
            let p = SIMD2<Float>(rng.float(-1...1), rng.float(-1...1)) * reach
            if length(p) <= reach { return p }
        }
        return .zero
    }

    func edgePoint(using rng: inout SyntheticRandom) -> SIMD2<Float> {
        let angle = rng.float(0...(2 * .pi))
        return SIMD2<Float>(cos(angle), sin(angle)) * radius
    }
}
