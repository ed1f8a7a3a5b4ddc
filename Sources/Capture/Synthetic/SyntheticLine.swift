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
/// Frames are composited from sprites of the variants rendered once (``SpriteCompositor``: about
/// a millisecond a VGA frame on one core, so the line it feeds is not slowed by its own
/// camera), byte for byte what the plain per-pixel ``ReferenceRenderer`` computes. Memory: the
/// belt loop, a frame-sized noise field and at most ``PartVariant/count`` sprites, about 10 MB
/// at VGA; ``start()`` renders the sprites (tens of milliseconds) so no paced frame waits for one.
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
    /// Built at the first frame, not here: a line asked only for ground truth needs none of it.
    private lazy var compositor = SpriteCompositor(width: width, height: height, seed: seed)

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

    /// Changes whenever the parts' appearance changes (shapes, textures, lighting, noise), so a
    /// model taught on an earlier appearance is known to be stale.
    public static let appearanceRevision = 2

    public func start() throws -> StreamInfo {
        guard width >= 16, height >= 16, width <= 8192, height <= 8192 else {
            throw CaptureError.misconfigured("synthetic frames must be 16...8192 pixels a side, not \(width)x\(height)")
        }
        guard defectRate >= 0, defectRate <= 1 else {
            throw CaptureError.misconfigured("synthetic defect rate \(defectRate) is outside 0...1")
        }
        nextPart = 0
        // Every sprite now, so no frame of the paced stream pays for rendering one.
        compositor.prepare((0..<PartVariant.count).map {
            PartVariant(product: product, index: $0, seed: seed, width: width, height: height)
        })
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
        return (image(compositor.render(plan, paintDefect: paintDefect)), truth)
    }

    /// As ``render(part:paintDefect:)``, computed by ``ReferenceRenderer`` from the definitions
    /// with no cache: the twin the fast path is held to.
    func renderReference(part number: Int, paintDefect: Bool = true) -> (image: RGBImage, truth: PartTruth) {
        let plan = self.plan(part: number)
        let pixels = ReferenceRenderer(width: width, height: height, seed: seed).render(plan, paintDefect: paintDefect)
        return (image(pixels), plan.truth(width: width, height: height))
    }

    /// The sprite cache as it stands: sprites rendered so far and the memory they take.
    var spriteCache: SpriteCache { compositor.sprites }

    private func image(_ pixels: [UInt8]) -> RGBImage {
        (try? RGBImage(width: width, height: height, pixels: pixels)) ?? RGBImage(width: width, height: height)
    }

    private func plan(part number: Int) -> PartPlan {
        PartPlan(part: number, seed: seed, product: product, width: width, height: height, defectRate: defectRate)
    }
}
