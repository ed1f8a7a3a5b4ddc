/// The look of one product, in part coordinates: origin at the part's centre, unrotated,
/// pixels as units, y down.
protocol PartShape: Sendable {
    /// How much of the pixel centred at `p` the part covers (0...1, anti-aliased edge).
    func coverage(at p: SIMD2<Float>) -> Float
    /// Coverage and surface colour (0...255 per channel, before lighting) at `p`.
    func surface(at p: SIMD2<Float>) -> (coverage: Float, color: SIMD3<Float>)
    /// A random point of the face at least `margin` pixels inside its outline and away from holes.
    func facePoint(margin: Float, using rng: inout SyntheticRandom) -> SIMD2<Float>
    /// A random point on the outer outline, where a piece can break off.
    func edgePoint(using rng: inout SyntheticRandom) -> SIMD2<Float>
    /// The part's characteristic size in pixels (cap radius, bracket half height): defects scale with it.
    var size: Float { get }
    /// Radius of a circle around the centre that holds the whole part.
    var extent: Float { get }
}
