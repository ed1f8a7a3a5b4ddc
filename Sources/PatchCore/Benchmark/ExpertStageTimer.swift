import Dispatch
import Imaging

/// A ``PatchCoreExpert`` under the bench: decodes the frame, then runs the expert's public
/// stages one by one, the way ``PatchCoreExpert/inspect(_:)`` runs them, reading the monotonic
/// clock between them.
public struct ExpertStageTimer: BenchSubject {
    /// The model file the expert's model came from.
    public let name: String
    /// What is timed.
    public let expert: PatchCoreExpert
    // One decoder for all frames, as a capture thread keeps one: libjpeg's set-up is not part
    // of a frame's cost.
    private let decoder: JPEGDecoder

    /// The model's precision.
    public var precision: Precision { expert.model.settings.precision }

    /// - Throws: when libjpeg cannot allocate its decoder.
    public init(name: String, expert: PatchCoreExpert) throws {
        self.name = name
        self.expert = expert
        self.decoder = try JPEGDecoder()
    }

    /// Decodes `jpeg` and inspects it, timing each stage.
    /// - Throws: the decoder's or the expert's error.
    public func time(frame jpeg: [UInt8]) throws -> TimedFrame {
        var nanoseconds: [BenchStage: UInt64] = [:]
        var start = DispatchTime.now().uptimeNanoseconds
        func lap(_ stage: BenchStage) {
            let now = DispatchTime.now().uptimeNanoseconds
            nanoseconds[stage] = now - start
            start = now
        }
        let image = try decoder.decodeRGB(jpeg)
        lap(.decode)
        let crop = try expert.preprocess(image)
        let lines = expert.lineContrast(of: image)
        lap(.resizeCrop)
        let taps = try expert.tapFeatures(of: crop)
        lap(.backbone)
        let features = try expert.patchFeatures(taps: taps)
        lap(.features)
        let nearest = try expert.search(features.matrix)
        lap(.search)
        let result = try expert.result(crop: crop, features: features, nearest: nearest, lines: lines)
        lap(.mapBlur)
        return TimedFrame(nanoseconds: nanoseconds, score: result.score)
    }
}
