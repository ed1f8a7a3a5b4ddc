import SeededRandom
@testable import PatchCore

/// Small labeled maps whose metrics are worked out by hand in the tests that use them.
enum EvaluationFixtures {
    /// 5x3, two regions of different sizes and 10 normal pixels:
    ///
    ///     mask            scores
    ///     1 0 0 1 1       0.9 0.1 0.1 0.8 0.8
    ///     0 0 0 1 1       0.6 0.1 0.1 0.5 0.2
    ///     0 0 0 0 0       0.4 0.1 0.1 0.1 0.1
    ///
    /// Region A is the single pixel at 0.9; region B the 2x2 block scored 0.8, 0.8, 0.5, 0.2.
    static func twoRegions() throws -> LabeledAnomalyMap {
        try LabeledAnomalyMap(
            width: 5,
            height: 3,
            scores: [
                0.9, 0.1, 0.1, 0.8, 0.8,
                0.6, 0.1, 0.1, 0.5, 0.2,
                0.4, 0.1, 0.1, 0.1, 0.1,
            ],
            mask: [
                1, 0, 0, 1, 1,
                0, 0, 0, 1, 1,
                0, 0, 0, 0, 0,
            ]
        )
    }

    /// 4x3, one region of 2 pixels (0.9 and 0.5) and 10 normal pixels, 5 tied with the region's
    /// 0.5 and 5 at 0.1, so the PRO curve has a diagonal step across FPR 0.3:
    ///
    ///     mask          scores
    ///     1 1 0 0       0.9 0.5 0.5 0.5
    ///     0 0 0 0       0.5 0.5 0.5 0.1
    ///     0 0 0 0       0.1 0.1 0.1 0.1
    static func diagonalStep() throws -> LabeledAnomalyMap {
        try LabeledAnomalyMap(
            width: 4,
            height: 3,
            scores: [
                0.9, 0.5, 0.5, 0.5,
                0.5, 0.5, 0.5, 0.1,
                0.1, 0.1, 0.1, 0.1,
            ],
            mask: [
                255, 255, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 0,
            ]
        )
    }

    /// Random maps with quantized scores (many ties, negative values and signed zeros) and
    /// random masks dense enough to form blobs joined diagonally. At least one pixel of each
    /// class is guaranteed.
    static func randomMaps(using rng: inout SplitMix64) throws -> [LabeledAnomalyMap] {
        var maps: [LabeledAnomalyMap] = []
        for index in 0..<Int.random(in: 1...5, using: &rng) {
            // The first map gets two pixels or more, one of each class.
            let width = Int.random(in: (index == 0 ? 2 : 1)...12, using: &rng)
            let height = Int.random(in: 1...12, using: &rng)
            let density = Double.random(in: 0...0.3, using: &rng)
            var mask = (0..<(width * height)).map { _ in Double.random(in: 0..<1, using: &rng) < density ? UInt8(255) : 0 }
            if index == 0 {
                mask[0] = 255
                mask[mask.count - 1] = 0
            }
            let scores: [Float] = mask.map { label in
                var level = Float(Int.random(in: -3...4, using: &rng)) / 4
                if label != 0, Bool.random(using: &rng) { level += 0.5 }
                return level == 0 && Bool.random(using: &rng) ? -0.0 : level
            }
            maps.append(try LabeledAnomalyMap(width: width, height: height, scores: scores, mask: mask))
        }
        return maps
    }
}
