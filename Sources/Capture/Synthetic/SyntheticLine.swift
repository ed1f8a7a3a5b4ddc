import Foundation
import Imaging

/// The demo line: one product passing under the camera, one part per frame, a configured share
/// of them defective, every frame carrying its ground truth.
///
/// Deterministic: a part's image depends only on (seed, part number, settings), so the same
/// seed replays the same run byte for byte and any part can be rendered on its own. Parts are
/// centred on a textured belt with small shifts in position, rotation and lighting, and sensor
/// noise, so a model taught on them sees the variation a real line has.
public final class SyntheticLine: FrameSource {
    public let width: Int
    public let height: Int
    /// Parts (frames) per second; nil generates as fast as frames are asked for.
    public let framesPerSecond: Double?
    public let seed: UInt64
    /// Share of defective parts, 0...1.
    public let defectRate: Double
    public let product: SyntheticProduct

    private var nextPart = 0
    private var pacer: FramePacer

    private static let belt = SIMD3<Float>(60, 64, 69)

    public init(width: Int = 640, height: Int = 480, framesPerSecond: Double? = 30, seed: UInt64 = 42,
                defectRate: Double = 0.1, product: SyntheticProduct = .bottleCap) {
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.seed = seed
        self.defectRate = defectRate
        self.product = product
        self.pacer = FramePacer(framesPerSecond: framesPerSecond)
    }

    public var name: String { "synthetic \(product.rawValue) line, seed \(seed)" }

    public func start() throws -> StreamInfo {
        guard width >= 16, height >= 16, width <= 8192, height <= 8192 else {
            throw CaptureError.misconfigured("synthetic frames must be 16...8192 pixels a side, not \(width)x\(height)")
        }
        guard defectRate >= 0, defectRate <= 1 else {
            throw CaptureError.misconfigured("synthetic defect rate \(defectRate) is outside 0...1")
        }
        nextPart = 0
        return StreamInfo(source: name, format: .rgb24, width: width, height: height, framesPerSecond: framesPerSecond)
    }

    public func next(stop: StopSignal) throws -> SourceEvent {
        guard let slot = pacer.waitForSlot(stop: stop) else { return .interrupted }
        let part = nextPart
        nextPart += 1
        let (image, truth) = render(part: part)
        return .frame(Frame(image: image, timestamp: slot, sequence: UInt32(truncatingIfNeeded: part), truth: truth))
    }

    public func stop() {}

    /// The ground truth of part `number` without rendering it.
    public func truth(part number: Int) -> PartTruth {
        let plan = self.plan(part: number)
        return PartTruth(partNumber: number, defect: plan.defect?.kind, defectBox: plan.defect.map { box(of: $0, plan: plan) })
    }

    /// The frame of part `number` and its ground truth.
    public func render(part number: Int) -> (image: RGBImage, truth: PartTruth) {
        render(part: number, paintDefect: true)
    }

    /// As ``render(part:)``; with `paintDefect` false the same part comes out whole, which is
    /// how the tests check that a defect changes pixels inside its box only.
    func render(part number: Int, paintDefect: Bool) -> (image: RGBImage, truth: PartTruth) {
        let plan = self.plan(part: number)
        let defect = paintDefect ? plan.defect : nil
        // Dispatch on the concrete shape once per frame, so the per-pixel calls are
        // specialised and inlined instead of going through the existential.
        let pixels: [UInt8]
        switch plan.shape {
        case let cap as BottleCap: pixels = paint(cap, plan: plan, defect: defect)
        case let bracket as Bracket: pixels = paint(bracket, plan: plan, defect: defect)
        default: pixels = paint(plan.shape, plan: plan, defect: defect)
        }
        let image = (try? RGBImage(width: width, height: height, pixels: pixels)) ?? RGBImage(width: width, height: height)
        let truth = PartTruth(partNumber: number, defect: plan.defect?.kind,
                              defectBox: plan.defect.map { box(of: $0, plan: plan) })
        return (image, truth)
    }

    /// The frame's RGB bytes: belt, the part's shadow, the part, its defect, lighting, noise.
    private func paint<Shape: PartShape>(_ shape: Shape, plan: PartPlan, defect: DefectPlan?) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let c = cos(plan.angle), s = sin(plan.angle)
        let shadowOffset = SIMD2<Float>(3, 4) * (shape.size / 120)
        let frameCentre = SIMD2<Float>(Float(width), Float(height)) / 2
        let reach = shape.extent + length(shadowOffset) + 2
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                for x in 0..<width {
                    let p = SIMD2<Float>(Float(x) + 0.5, Float(y) + 0.5)
                    let d = p - plan.centre
                    // Belt: dark fabric, its weave moving with the belt from part to part.
                    let bx = x - plan.beltShift
                    var color = Self.belt * (1 + 0.06 * pixelHash(bx, y, seed) + 0.03 * pixelHash(bx >> 2, y >> 1, ~seed))
                    if abs(d.x) <= reach, abs(d.y) <= reach {
                        let local = SIMD2<Float>(c * d.x + s * d.y, -s * d.x + c * d.y)
                        let ds = d - shadowOffset
                        let shadowLocal = SIMD2<Float>(c * ds.x + s * ds.y, -s * ds.x + c * ds.y)
                        color *= 1 - 0.45 * shape.coverage(at: shadowLocal)
                        var (cover, surface) = shape.surface(at: local)
                        if let defect { (cover, surface) = defect.apply(at: local, coverage: cover, color: surface) }
                        color = mix(color, surface, cover)
                    }
                    let light = plan.gain * (1 + (plan.gradient * (p - frameCentre)).sum())
                    color = color * light + 2.2 * pixelHash(x, y, plan.noiseKey)
                    // Clamp, then round half up by truncation: a libm call per channel (what
                    // `rounded()` becomes without SSE4.1) cost a fifth of the frame time. A NaN
                    // would trap the conversion; none can arise, but a demo must never crash.
                    color.replace(with: 0, where: color .!= color)
                    let q = pointwiseMin(pointwiseMax(color, .zero), SIMD3(repeating: 255)) + 0.5
                    let i = (y * width + x) * 3
                    out[i] = UInt8(q.x)
                    out[i + 1] = UInt8(q.y)
                    out[i + 2] = UInt8(q.z)
                }
            }
        }
        return pixels
    }

    /// Everything random about one part, drawn from its own streams.
    private struct PartPlan {
        var shape: any PartShape
        var centre: SIMD2<Float>
        var angle: Float
        var gain: Float
        var gradient: SIMD2<Float>
        var beltShift: Int
        var noiseKey: UInt64
        var defect: DefectPlan?
    }

    private func plan(part number: Int) -> PartPlan {
        var pose = SyntheticRandom(seed: seed, part: number, stream: .pose)
        let side = Float(min(width, height))
        let shape: any PartShape
        let angle: Float
        switch product {
        case .bottleCap:
            shape = BottleCap(radius: 0.32 * side, knurlPhase: pose.float(0...(2 * .pi)))
            angle = 0
        case .bracket:
            let halfLength = min(0.4 * side * 1.05, 0.42 * Float(width))
            shape = Bracket(halfLength: halfLength, halfHeight: 0.18 * side, grainKey: pose.bits())
            angle = pose.float(-0.07...0.07)
        }
        let centre = SIMD2<Float>(Float(width) * (0.5 + pose.float(-0.03...0.03)),
                                  Float(height) * (0.5 + pose.float(-0.03...0.03)))
        let gain = pose.float(0.93...1.07)
        let tilt = pose.float(0...(2 * .pi))
        // Up to 8 % brighter on one side of the frame than the other.
        let gradient = SIMD2<Float>(cos(tilt), sin(tilt)) * (pose.float(0...0.08) / Float(max(width, height)))
        let beltShift = (number &* 53) % 4096
        let noiseKey = pose.bits()

        var draws = SyntheticRandom(seed: seed, part: number, stream: .defect)
        var defect: DefectPlan?
        if draws.unit() < defectRate {
            let kind = DefectKind.allCases[draws.index(DefectKind.allCases.count)]
            defect = DefectPlan.make(kind, on: shape, using: &draws)
        }
        return PartPlan(shape: shape, centre: centre, angle: angle, gain: gain, gradient: gradient,
                        beltShift: beltShift, noiseKey: noiseKey, defect: defect)
    }

    /// The defect's part-space box carried into frame pixels, with a pixel of margin, clipped.
    private func box(of defect: DefectPlan, plan: PartPlan) -> Rect {
        let c = cos(plan.angle), s = sin(plan.angle)
        let corners = [SIMD2(defect.lower.x, defect.lower.y), SIMD2(defect.upper.x, defect.lower.y),
                       SIMD2(defect.lower.x, defect.upper.y), SIMD2(defect.upper.x, defect.upper.y)]
        // Part to frame: rotate by +angle (the renderer rotates frame offsets by -angle).
        let frame = corners.map { SIMD2<Float>(c * $0.x - s * $0.y, s * $0.x + c * $0.y) + plan.centre }
        let minX = Int((frame.map(\.x).min() ?? 0).rounded(.down)) - 1
        let minY = Int((frame.map(\.y).min() ?? 0).rounded(.down)) - 1
        let maxX = Int((frame.map(\.x).max() ?? 0).rounded(.up)) + 1
        let maxY = Int((frame.map(\.y).max() ?? 0).rounded(.up)) + 1
        return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
            .intersection(Rect(x: 0, y: 0, width: width, height: height))
    }
}
