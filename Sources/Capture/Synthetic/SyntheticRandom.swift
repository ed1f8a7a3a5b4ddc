import SeededRandom

/// The synthetic line's random numbers: SplitMix64 streams keyed by (seed, part, purpose), so
/// any part can be rendered on its own and the defect draws never shift the look of the part.
struct SyntheticRandom {
    private var generator: SplitMix64

    /// Purposes get separate streams so adding a draw to one never changes the other.
    enum Stream: UInt64 {
        /// Per part: which variant, where it lies, how it is lit, where belt and noise stand.
        case pose = 1
        /// Per part: whether it is defective, and the defect.
        case defect = 2
        /// Per variant (the part number is the variant index): its knurl, grain or angle.
        case variant = 3
        /// Once per line (part 0): the key of the sensor-noise field.
        case sensor = 4
    }

    init(seed: UInt64, part: Int, stream: Stream) {
        // Distinct odd multipliers keep (seed, part, stream) triples apart; SplitMix64's
        // finaliser then decorrelates neighbouring states.
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: part) &* 0x9E37_79B9_7F4A_7C15)
                               ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03))
        generator = SplitMix64(seed: mixer.next())
    }

    /// Uniform in 0..<1.
    mutating func unit() -> Double {
        Double(generator.next() >> 11) / Double(UInt64(1) << 53)
    }

    /// Uniform in `range`.
    mutating func float(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + Float(unit()) * (range.upperBound - range.lowerBound)
    }

    /// Uniform index in 0..<count.
    mutating func index(_ count: Int) -> Int {
        min(count - 1, Int(unit() * Double(count)))
    }

    /// Raw 64 bits (noise seeds).
    mutating func bits() -> UInt64 { generator.next() }
}

/// A deterministic hash of a pixel position to -1...1: belt texture and sensor noise that
/// need no generator state, so every pixel can be computed independently.
@inline(__always)
func pixelHash(_ x: Int, _ y: Int, _ key: UInt64) -> Float {
    var z = key &+ UInt64(truncatingIfNeeded: x) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: y) &* 0xC2B2_AE3D_27D4_EB4F
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 23) - 1
}

@inline(__always)
func clamp01(_ v: Float) -> Float { min(1, max(0, v)) }

@inline(__always)
func smoothstep(_ edge0: Float, _ edge1: Float, _ x: Float) -> Float {
    let t = clamp01((x - edge0) / (edge1 - edge0))
    return t * t * (3 - 2 * t)
}

@inline(__always)
func mix(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ t: Float) -> SIMD3<Float> {
    a + (b - a) * t
}

@inline(__always)
func length(_ v: SIMD2<Float>) -> Float { (v * v).sum().squareRoot() }
