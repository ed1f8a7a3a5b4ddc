/// The lamp over one frame: a per-part gain and a gentle linear gradient across the frame.
///
/// Split into a column term and a row term so a renderer can compute each once per column or
/// row; ``light(column:row:)`` combines them the same way for every renderer.
struct FrameLighting: Sendable {
    /// Overall brightness of this part's frame (1 is nominal).
    let gain: Float
    /// Change of brightness per pixel along x and y.
    let gradient: SIMD2<Float>
    /// The frame's centre, where the gradient is neutral.
    let centre: SIMD2<Float>

    @inline(__always)
    func column(_ x: Int) -> Float { gradient.x * (Float(x) + 0.5 - centre.x) }

    @inline(__always)
    func row(_ y: Int) -> Float { gradient.y * (Float(y) + 0.5 - centre.y) }

    @inline(__always)
    func light(column: Float, row: Float) -> Float { gain * (1 + (column + row)) }
}
