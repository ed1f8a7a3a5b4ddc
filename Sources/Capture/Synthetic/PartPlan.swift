import Glibc
import Imaging

/// Everything random about one part, drawn from its own streams: which variant it is, where it
/// lies, how it is lit, where the belt and the sensor noise stand, and its defect.
struct PartPlan: Sendable {
    let number: Int
    let variant: PartVariant
    /// The part's centre in whole frame pixels: on the pixel grid, so a sprite of its variant
    /// lands on the frame texel for texel. Settable so tests can push a part off the frame.
    var centre: SIMD2<Int>
    let lighting: FrameLighting
    /// The belt loop's column under frame column 0; the belt moves on 53 columns a part.
    let beltStart: Int
    /// Where this frame starts reading the sensor-noise field.
    let noiseOffset: SIMD2<Int>
    let defect: DefectPlan?

    init(part number: Int, seed: UInt64, product: SyntheticProduct, width: Int, height: Int, defectRate: Double) {
        var pose = SyntheticRandom(seed: seed, part: number, stream: .pose)
        let variant = PartVariant(product: product, index: pose.index(PartVariant.count), seed: seed, width: width, height: height)
        let x = Float(width) * (0.5 + pose.float(-0.03...0.03))
        let y = Float(height) * (0.5 + pose.float(-0.03...0.03))
        let gain = pose.float(0.93...1.07)
        let tilt = pose.float(0...(2 * .pi))
        // Up to 8 % brighter on one side of the frame than the other.
        let gradient = SIMD2<Float>(cos(tilt), sin(tilt)) * (pose.float(0...0.08) / Float(max(width, height)))
        self.number = number
        self.variant = variant
        centre = SIMD2(Int(x.rounded()), Int(y.rounded()))
        lighting = FrameLighting(gain: gain, gradient: gradient, centre: SIMD2(Float(width), Float(height)) / 2)
        let loop = UInt(BeltTexture.length(frameWidth: width))
        beltStart = Int((loop - UInt(truncatingIfNeeded: number) &* 53 % loop) % loop)
        noiseOffset = SIMD2(pose.index(width), pose.index(height))

        var draws = SyntheticRandom(seed: seed, part: number, stream: .defect)
        if draws.unit() < defectRate {
            let kind = DefectKind.allCases[draws.index(DefectKind.allCases.count)]
            defect = DefectPlan.make(kind, on: variant.partShape, using: &draws)
        } else {
            defect = nil
        }
    }

    /// The ground truth a frame of this part carries.
    func truth(width: Int, height: Int) -> PartTruth {
        PartTruth(partNumber: number, defect: defect?.kind, defectBox: defectBox(width: width, height: height))
    }

    /// The defect's part-space box carried into frame pixels, with a pixel of margin, clipped
    /// to the frame; nil for a good part.
    func defectBox(width: Int, height: Int) -> Rect? {
        guard let defect else { return nil }
        let corners = [SIMD2(defect.lower.x, defect.lower.y), SIMD2(defect.upper.x, defect.lower.y),
                       SIMD2(defect.lower.x, defect.upper.y), SIMD2(defect.upper.x, defect.upper.y)]
        let origin = SIMD2<Float>(Float(centre.x), Float(centre.y))
        let frame = corners.map { variant.toFrame($0) + origin }
        let minX = Int((frame.map(\.x).min() ?? 0).rounded(.down)) - 1
        let minY = Int((frame.map(\.y).min() ?? 0).rounded(.down)) - 1
        let maxX = Int((frame.map(\.x).max() ?? 0).rounded(.up)) + 1
        let maxY = Int((frame.map(\.y).max() ?? 0).rounded(.up)) + 1
        return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
            .intersection(Rect(x: 0, y: 0, width: width, height: height))
    }
}
