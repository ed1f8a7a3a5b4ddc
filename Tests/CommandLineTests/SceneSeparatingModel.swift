import Imaging
import PatchCore
import TestFixtures

/// The tiny expert's model (fp32, 64x64 input: milliseconds a frame even emulated) with its
/// calibration set from a few images' scores so that agreeing on them says something. Its raw
/// scores mean nothing about defects; what the model is given is where the threshold lies:
///
/// - just under the anomaly-map peak of the highest-scoring image, so that image is rejected
///   *with* a suspect region (a box to compare; a map peak stays below the image score, the
///   largest patch distance, since the map is that grid resized and blurred);
/// - with a span (threshold minus good mean) of 8 times the top image's lead, so it normalises
///   to 0.5625, just above the unsure band (0.45-0.55), images within 0.8 of that lead of the
///   threshold are unsure, and those further below pass.
///
/// The loopback scenes come out pass (KolektorSDD), unsure (the good and the contaminated
/// bottle, close together) and reject with one box (the broken bottle).
enum SceneSeparatingModel {
    struct Unusable: Error, CustomStringConvertible {
        let scores: [Double]
        var description: String { "the tiny expert's scores leave no room for a threshold: \(scores)" }
    }

    /// The model for `images`.
    static func make(for images: [RGBImage]) throws -> PatchCoreModel {
        let expert = try TinyExpert.shared.get()
        let results = try images.map { try expert.inspect($0) }
        guard let top = results.max(by: { $0.score < $1.score }), let peak = top.anomalyMap.maximum?.value else {
            throw Unusable(scores: [])
        }
        let threshold = Double(peak) - (top.score - Double(peak)) / 4
        let span = 8 * (top.score - threshold)
        // The calibration is stored as Float held-out scores: the span must dwarf their rounding.
        guard span > abs(threshold) * 1e-4 else { throw Unusable(scores: results.map(\.score)) }
        let mean = threshold - span
        // Two held-out scores mean - a and mean + a have standard deviation a * sqrt(2); the
        // threshold is mean + k * a * sqrt(2), k being the settings' (a model file keeps them
        // consistent).
        var model = expert.model
        let k = model.settings.thresholdSigmas
        let a = span / (k * 2.0.squareRoot())
        model.calibration = Calibration(heldOutScores: [Float(mean - a), Float(mean + a)], sigmas: k)
        return model
    }
}
