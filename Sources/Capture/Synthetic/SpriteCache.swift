/// The sprites of a line's part variants, each rendered the first time a part needs it.
///
/// Bounded by construction: one slot per variant (``PartVariant/count``), never one per part,
/// about half a megabyte each for a VGA frame.
struct SpriteCache: Sendable {
    private var slots = [PartSprite?](repeating: nil, count: PartVariant.count)

    /// The sprite of `variant`, rendered now if it is the first use.
    mutating func sprite(for variant: PartVariant) -> PartSprite {
        if let sprite = slots[variant.index] { return sprite }
        let sprite = PartSprite(variant)
        slots[variant.index] = sprite
        return sprite
    }

    /// Sprites rendered so far.
    var count: Int { slots.lazy.compactMap { $0 }.count }

    /// Memory the rendered sprites take.
    var bytes: Int { slots.reduce(0) { $0 + ($1?.bytes ?? 0) } }
}
