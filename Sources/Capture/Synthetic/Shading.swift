/// The per-pixel arithmetic of the synthetic frame, shared by ``ReferenceRenderer`` and
/// ``SpriteCompositor`` so the two agree to the bit: belt, shadow and part blended in linear
/// 0...255 units, then lamp light and sensor noise, then one byte per channel.
enum Shading {
    /// Share of the lamp's light the part's shadow takes away from the belt where it is full.
    static let shadowDepth: Float = 0.45

    /// `v` clamped to 0...255 and rounded to the nearest byte, ties to even.
    ///
    /// Adding 2^23 leaves the rounded value in the low mantissa bits: no libm call and no
    /// trapping float-to-integer conversion in the hot loop. NaN becomes 0, so a degenerate
    /// defect can never crash the demo.
    @inline(__always)
    static func byte(_ v: Float) -> UInt8 {
        let clamped = v > 0 ? min(v, 255) : 0
        return UInt8(truncatingIfNeeded: (clamped + 8_388_608).bitPattern)
    }

    /// A stored 8-bit coverage as a fraction, 0...1 (255 is exactly 1).
    @inline(__always)
    static func level(_ coverage: UInt8) -> Float { Float(coverage) / 255 }

    /// The factor a shadow of stored coverage `shadow` leaves of the belt's brightness.
    @inline(__always)
    static func shadowFactor(_ shadow: UInt8) -> Float { 1 - shadowDepth * level(shadow) }

    /// The colour before lighting where `texel` lies over belt colour `belt`: the belt under
    /// the part's shadow, then the part over it by its coverage, with `defect` (if any) applied
    /// at part coordinates `local`. An empty texel leaves the belt exactly as it was.
    @inline(__always)
    static func composite(belt: SIMD3<Float>, texel: PartTexel, defect: DefectPlan? = nil,
                          at local: @autoclosure () -> SIMD2<Float> = .zero) -> SIMD3<Float> {
        var (coverage, surface) = texel.surface
        if let defect { (coverage, surface) = defect.apply(at: local(), coverage: coverage, color: surface) }
        return mix(belt * shadowFactor(texel.shadow), surface, coverage)
    }

    /// Lit, noisy and quantised: the three bytes of the pixel at `out`.
    @inline(__always)
    static func store(_ color: SIMD3<Float>, light: Float, noise: Float, to out: UnsafeMutablePointer<UInt8>) {
        let lit = color * light + noise
        out[0] = byte(lit.x)
        out[1] = byte(lit.y)
        out[2] = byte(lit.z)
    }

    /// Three stored bytes as linear colour.
    @inline(__always)
    static func color(_ p: UnsafePointer<UInt8>) -> SIMD3<Float> {
        SIMD3(Float(p[0]), Float(p[1]), Float(p[2]))
    }
}
