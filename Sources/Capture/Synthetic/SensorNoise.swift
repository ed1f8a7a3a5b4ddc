/// The camera's sensor noise: a seeded field of grey noise the size of a frame, read from a
/// different starting point (wrapping around) for every frame.
struct SensorNoise: Sendable {
    /// Amplitude in 0...255 units: about one grey level of noise on average.
    private static let amplitude: Float = 2.2

    /// The field's hash key for a line seeded with `seed`.
    static func key(seed: UInt64) -> UInt64 {
        var stream = SyntheticRandom(seed: seed, part: 0, stream: .sensor)
        return stream.bits()
    }

    /// The noise at field position (`u`, `v`).
    static func value(_ u: Int, _ v: Int, key: UInt64) -> Float {
        amplitude * pixelHash(u, v, key)
    }
}
