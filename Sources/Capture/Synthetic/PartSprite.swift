/// One variant of a part rendered once: its texels over the smallest rectangle, relative to
/// the part's centre, outside which neither the part nor its shadow shows.
struct PartSprite: Sendable {
    /// Offset of the first column and row from the part's centre (whole pixels, usually negative).
    let left: Int
    let top: Int
    let width: Int
    let height: Int
    /// `height` rows of `width` texels.
    let texels: [PartTexel]

    init(_ variant: PartVariant) {
        let side = 2 * variant.reach
        var square = [PartTexel](repeating: .empty, count: side * side)
        var minX = side, minY = side, maxX = -1, maxY = -1
        for row in 0..<side {
            for column in 0..<side {
                let texel = variant.texel(column - variant.reach, row - variant.reach)
                guard !texel.isEmpty else { continue }
                square[row * side + column] = texel
                minX = min(minX, column)
                maxX = max(maxX, column)
                minY = min(minY, row)
                maxY = max(maxY, row)
            }
        }
        guard maxX >= minX else {
            (left, top, width, height, texels) = (0, 0, 0, 0, [])
            return
        }
        left = minX - variant.reach
        top = minY - variant.reach
        width = maxX - minX + 1
        height = maxY - minY + 1
        var texels: [PartTexel] = []
        texels.reserveCapacity(width * height)
        for row in minY...maxY { texels += square[(row * side + minX)...(row * side + maxX)] }
        self.texels = texels
    }

    /// The texel `(dx, dy)` whole pixels from the part's centre; empty outside the sprite.
    @inline(__always)
    func texel(_ dx: Int, _ dy: Int) -> PartTexel {
        let column = dx - left, row = dy - top
        guard column >= 0, column < width, row >= 0, row < height else { return .empty }
        return texels[row * width + column]
    }

    /// Memory the texels take.
    var bytes: Int { texels.count * MemoryLayout<PartTexel>.stride }
}
