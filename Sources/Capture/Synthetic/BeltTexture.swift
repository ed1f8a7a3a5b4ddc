/// The conveyor belt: dark woven fabric in a closed loop, moving under the camera from one part
/// to the next.
///
/// The loop is twice the frame's width, so no frame shows the same stretch of belt twice, and
/// it is stored as bytes once per line: a frame copies its columns instead of hashing them.
struct BeltTexture: Sendable {
    /// Columns in the loop.
    let length: Int
    let height: Int
    /// `height` rows of `length` RGB texels.
    let texels: [UInt8]

    private static let fabric = SIMD3<Float>(60, 64, 69)

    init(frameWidth: Int, height: Int, seed: UInt64) {
        length = Self.length(frameWidth: frameWidth)
        self.height = height
        var texels = [UInt8](repeating: 0, count: length * height * 3)
        for y in 0..<height {
            for u in 0..<length {
                let color = Self.color(column: u, row: y, seed: seed)
                let i = (y * length + u) * 3
                texels[i] = color.x
                texels[i + 1] = color.y
                texels[i + 2] = color.z
            }
        }
        self.texels = texels
    }

    /// Columns in the belt loop seen by frames `frameWidth` pixels wide.
    static func length(frameWidth: Int) -> Int { 2 * frameWidth }

    /// The fabric at loop column `u`, row `y`: a weave of fine threads and coarser bands.
    static func color(column u: Int, row y: Int, seed: UInt64) -> SIMD3<UInt8> {
        let shade = 1 + 0.06 * pixelHash(u, y, seed) + 0.03 * pixelHash(u >> 2, y >> 1, ~seed)
        let color = fabric * shade
        return SIMD3(Shading.byte(color.x), Shading.byte(color.y), Shading.byte(color.z))
    }
}
