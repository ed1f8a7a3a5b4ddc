import Imaging

/// The demo line: one product passing under the camera, one part per frame, a configured share
/// of them defective, every frame carrying its ground truth.
///
/// Deterministic: a part's image depends only on (seed, part number, settings), so the same
/// seed replays the same run byte for byte and any part can be rendered on its own. Each part
/// is one of a few seeded variants of the product (its knurl or grain, its angle), centred on a
/// moving textured belt with small shifts in position and lighting, and sensor noise, so a
/// model taught on them sees the variation a real line has.
///
/// Frames are computed pixel by pixel from the definitions (``ReferenceRenderer``).
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
        plan(part: number).truth(width: width, height: height)
    }

    /// The frame of part `number` and its ground truth.
    public func render(part number: Int) -> (image: RGBImage, truth: PartTruth) {
        render(part: number, paintDefect: true)
    }

    /// As ``render(part:)``; with `paintDefect` false the same part comes out whole, which is
    /// how the tests check that a defect changes pixels inside its box only.
    func render(part number: Int, paintDefect: Bool) -> (image: RGBImage, truth: PartTruth) {
        let plan = self.plan(part: number)
        let truth = plan.truth(width: width, height: height)
        // Sizes start() refuses would divide by zero below; a demo must never crash.
        guard width > 0, height > 0 else { return (RGBImage(width: max(0, width), height: max(0, height)), truth) }
        let renderer = ReferenceRenderer(width: width, height: height, seed: seed)
        return (image(renderer.render(plan, paintDefect: paintDefect)), truth)
    }

    private func image(_ pixels: [UInt8]) -> RGBImage {
        (try? RGBImage(width: width, height: height, pixels: pixels)) ?? RGBImage(width: width, height: height)
    }

    private func plan(part number: Int) -> PartPlan {
        PartPlan(part: number, seed: seed, product: product, width: width, height: height, defectRate: defectRate)
    }
}
