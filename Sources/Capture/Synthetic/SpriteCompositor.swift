import Imaging

/// Renders the synthetic line's frames by compositing what was rendered once: belt columns
/// from the pre-rendered belt loop, the part's variant as a cached ``PartSprite`` at its
/// centre, then lamp and noise per pixel. Only the defect's box is shaded from the defect's
/// definition each frame.
///
/// The same bytes as ``ReferenceRenderer``, a few milliseconds per VGA frame instead of tens:
/// a frame never evaluates the part's shape, hashes the belt or hashes the noise.
struct SpriteCompositor: Sendable {
    let width: Int
    let height: Int
    let belt: BeltTexture
    let noise: SensorNoise
    private(set) var sprites = SpriteCache()
    /// Lamp column terms of the frame being rendered.
    private var columns: [Float]

    init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        belt = BeltTexture(frameWidth: width, height: height, seed: seed)
        noise = SensorNoise(width: width, height: height, seed: seed)
        columns = [Float](repeating: 0, count: width)
    }

    /// Renders the sprites of `variants` now rather than at their first part.
    mutating func prepare(_ variants: [PartVariant]) {
        for variant in variants { _ = sprites.sprite(for: variant) }
    }

    /// The frame of `plan`, RGB rows; without the defect when `paintDefect` is false.
    mutating func render(_ plan: PartPlan, paintDefect: Bool) -> [UInt8] {
        let sprite = sprites.sprite(for: plan.variant)
        for x in 0..<width { columns[x] = plan.lighting.column(x) }
        let count = width * height * 3
        var pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            belt.texels.withUnsafeBufferPointer { belt in
                noise.values.withUnsafeBufferPointer { noise in
                    sprite.texels.withUnsafeBufferPointer { texels in
                        columns.withUnsafeBufferPointer { columns in
                            guard let out = buffer.baseAddress, let belt = belt.baseAddress, let noise = noise.baseAddress,
                                  let columns = columns.baseAddress else { return }
                            let sources = Sources(belt: belt, noise: noise, texels: texels.baseAddress, columns: columns)
                            for y in 0..<height { shade(row: y, of: plan, sprite: sprite, from: sources, into: out) }
                        }
                    }
                }
            }
            initialized = count
        }
        if paintDefect, let defect = plan.defect, let box = plan.defectBox(width: width, height: height) {
            paint(defect, in: box, of: plan, sprite: sprite, into: &pixels)
        }
        return pixels
    }

    /// What a frame reads, as pointers for the row loop.
    private struct Sources {
        let belt: UnsafePointer<UInt8>
        let noise: UnsafePointer<Float>
        /// Nil when the sprite is empty.
        let texels: UnsafePointer<PartTexel>?
        let columns: UnsafePointer<Float>
    }

    /// Shades row `y` in runs over which belt and noise are contiguous (each wraps around at
    /// most once) and the sprite is either absent or present throughout.
    @inline(__always)
    private func shade(row y: Int, of plan: PartPlan, sprite: PartSprite, from sources: Sources, into out: UnsafeMutablePointer<UInt8>) {
        let loop = belt.length
        let beltRow = sources.belt + y * loop * 3
        let noiseRow = sources.noise + (y + plan.noiseOffset.y) % height * width
        // The frame columns the sprite covers in this row, and its texel at the first of them.
        let spriteX = plan.centre.x + sprite.left, spriteY = plan.centre.y + sprite.top
        var span = 0..<0
        var spriteRow: UnsafePointer<PartTexel>?
        let first = max(0, spriteX), last = min(width, spriteX + sprite.width)
        if y >= spriteY, y < spriteY + sprite.height, first < last, let texels = sources.texels {
            span = first..<last
            spriteRow = texels + (y - spriteY) * sprite.width + (first - spriteX)
        }
        let row = plan.lighting.row(y)
        var x = 0
        while x < width {
            let u = (plan.beltStart + x) % loop, v = (x + plan.noiseOffset.x) % width
            var end = min(width, x + (loop - u), x + (width - v))
            var texels: UnsafePointer<PartTexel>?
            if x < span.lowerBound {
                end = min(end, span.lowerBound)
            } else if x < span.upperBound, let spriteRow {
                end = min(end, span.upperBound)
                texels = spriteRow + (x - span.lowerBound)
            }
            let run = Run(count: end - x, belt: beltRow + u * 3, noise: noiseRow + v, columns: sources.columns + x,
                          row: row, lighting: plan.lighting, out: out + (y * width + x) * 3)
            if let texels { run.shade(over: texels) } else { run.shade() }
            x = end
        }
    }

    /// Shades the pixels of `box` again from the texels and the defect's definition.
    private func paint(_ defect: DefectPlan, in box: Rect, of plan: PartPlan, sprite: PartSprite, into pixels: inout [UInt8]) {
        let loop = belt.length
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let out = buffer.baseAddress else { return }
            for y in box.y..<box.maxY {
                for x in box.x..<box.maxX {
                    let dx = x - plan.centre.x, dy = y - plan.centre.y
                    let b = ((plan.beltStart + x) % loop + y * loop) * 3
                    let beltColor = SIMD3<Float>(Float(belt.texels[b]), Float(belt.texels[b + 1]), Float(belt.texels[b + 2]))
                    let color = Shading.composite(belt: beltColor, texel: sprite.texel(dx, dy), defect: defect,
                                                  at: plan.variant.toPart(PartVariant.offset(dx, dy)))
                    let light = plan.lighting.light(column: columns[x], row: plan.lighting.row(y))
                    let n = noise.values[(y + plan.noiseOffset.y) % height * width + (x + plan.noiseOffset.x) % width]
                    Shading.store(color, light: light, noise: n, to: out + (y * width + x) * 3)
                }
            }
        }
    }

    /// Consecutive pixels of one row whose inputs are contiguous.
    private struct Run {
        let count: Int
        let belt: UnsafePointer<UInt8>
        let noise: UnsafePointer<Float>
        let columns: UnsafePointer<Float>
        let row: Float
        let lighting: FrameLighting
        let out: UnsafeMutablePointer<UInt8>

        /// Belt only.
        @inline(__always)
        func shade() {
            for i in 0..<count {
                let light = lighting.light(column: columns[i], row: row)
                Shading.store(Shading.color(belt + 3 * i), light: light, noise: noise[i], to: out + 3 * i)
            }
        }

        /// Belt under the sprite's texels.
        @inline(__always)
        func shade(over texels: UnsafePointer<PartTexel>) {
            for i in 0..<count {
                let color = Shading.composite(belt: Shading.color(belt + 3 * i), texel: texels[i])
                let light = lighting.light(column: columns[i], row: row)
                Shading.store(color, light: light, noise: noise[i], to: out + 3 * i)
            }
        }
    }
}
