/// The camera's sensor noise: a seeded field of grey noise the size of a frame, read from a
/// different starting point (wrapping around) for every frame, so each frame gets its own
/// noise without hashing every pixel again.
struct SensorNoise: Sendable {
    let width: Int
    let height: Int
    /// `height` rows of `width` values, added to every channel.
    let values: [Float]

    /// Amplitude in 0...255 units: about one grey level of noise on average.
    private static let amplitude: Float = 2.2

    init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        let key = Self.key(seed: seed)
        var values = [Float](repeating: 0, count: width * height)
        for v in 0..<height {
            for u in 0..<width { values[v * width + u] = Self.value(u, v, key: key) }
        }
        self.values = values
    }

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
