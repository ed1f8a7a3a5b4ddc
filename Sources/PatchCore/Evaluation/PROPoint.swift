/// One point of the per-region overlap (PRO) curve of MVTec AD.
public struct PROPoint: Sendable, Equatable {
    /// Pixels with score `>= threshold` count as detected; `+infinity` for the starting point.
    public let threshold: Float
    /// Normal pixels detected / normal pixels, over all maps.
    public let falsePositiveRate: Double
    /// Mean over all ground-truth regions of all maps of the fraction of each region detected.
    public let overlap: Double
}
