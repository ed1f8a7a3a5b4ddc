/// The plain twin of ``SpriteCompositor``: every pixel of every frame computed from the
/// definitions (belt hash, part shape, defect, lamp, noise hash), with no tables and no cache.
/// Slow (tens of milliseconds a VGA frame); tests hold the compositor to it byte for byte.
struct ReferenceRenderer: Sendable {
    let width: Int
    let height: Int
    let seed: UInt64

    /// The frame of `plan`, RGB rows; without the defect when `paintDefect` is false.
    func render(_ plan: PartPlan, paintDefect: Bool) -> [UInt8] {
        let defect = paintDefect ? plan.defect : nil
        let variant = plan.variant
        let loop = BeltTexture.length(frameWidth: width)
        let noiseKey = SensorNoise.key(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            for y in 0..<height {
                for x in 0..<width {
                    let belt = BeltTexture.color(column: (plan.beltStart + x) % loop, row: y, seed: seed)
                    let dx = x - plan.centre.x, dy = y - plan.centre.y
                    let texel = variant.reaches(dx, dy) ? variant.texel(dx, dy) : .empty
                    let color = Shading.composite(belt: SIMD3(Float(belt.x), Float(belt.y), Float(belt.z)), texel: texel,
                                                  defect: defect, at: variant.toPart(PartVariant.offset(dx, dy)))
                    let light = plan.lighting.light(column: plan.lighting.column(x), row: plan.lighting.row(y))
                    let noise = SensorNoise.value((x + plan.noiseOffset.x) % width, (y + plan.noiseOffset.y) % height, key: noiseKey)
                    Shading.store(color, light: light, noise: noise, to: base + (y * width + x) * 3)
                }
            }
        }
        return pixels
    }
}
