/// The conveyor belt: dark woven fabric in a closed loop, moving under the camera from one part
/// to the next.
///
/// The loop is twice the frame's width, so no frame shows the same stretch of belt twice.
struct BeltTexture: Sendable {
    private static let fabric = SIMD3<Float>(60, 64, 69)

    /// Columns in the belt loop seen by frames `frameWidth` pixels wide.
    static func length(frameWidth: Int) -> Int { 2 * frameWidth }

    /// The fabric at loop column `u`, row `y`: a weave of fine threads and coarser bands.
    static func color(column u: Int, row y: Int, seed: UInt64) -> SIMD3<UInt8> {
        let shade = 1 + 0.06 * pixelHash(u, y, seed) + 0.03 * pixelHash(u >> 2, y >> 1, ~seed)
        let color = fabric * shade
        return SIMD3(Shading.byte(color.x), Shading.byte(color.y), Shading.byte(color.z))
    }
}
