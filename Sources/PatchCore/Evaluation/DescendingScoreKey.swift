/// Float scores as `UInt32` keys whose ascending unsigned order is descending score order, so
/// pixels can be sorted with an integer radix sort and swept from the highest score down.
enum DescendingScoreKey {
    /// The key of a non-NaN score. -0 and +0 share a key because they are equal scores.
    static func key(_ score: Float) -> UInt32 {
        let bits = (score == 0 ? Float(0) : score).bitPattern
        // Negative floats sort backwards as integers, so flip all their bits; positives only
        // need the sign bit set to sort above them.
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return ~ascending
    }

    /// The score a key was made from.
    static func score(_ key: UInt32) -> Float {
        let ascending = ~key
        let bits = ascending & 0x8000_0000 != 0 ? ascending & 0x7FFF_FFFF : ~ascending
        return Float(bitPattern: bits)
    }
}
