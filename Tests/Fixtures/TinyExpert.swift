import Imaging
import PatchCore
import SeededRandom

/// An fp32 expert small enough to run a frame in milliseconds, under qemu too: one tap
/// (block 3), a 64x64 stretched input and 16 random bank rows. Its scores mean nothing; tests
/// compare them with the expert's own, or run the line's machinery on it. Its model saves and
/// loads like a taught one (`ModelFile`), for tests that run `eagle-edge` on it.
public enum TinyExpert {
    public static let shared = Result { () throws -> PatchCoreExpert in
        let network = try EfficientNetLite0.loadDefault()
        let settings = PatchCoreSettings(taps: [FeatureTap(block: 3)], fit: .stretch, inputWidth: 64, inputHeight: 64,
                                         tapDimension: nil, thresholdSigmas: 1, precision: .fp32)
        var rng = SplitMix64(seed: 7)
        let dimension = settings.patchDimension
        let bank = PatchFeatureMatrix(count: 16, dimension: dimension, values: (0..<(16 * dimension)).map { _ in rng.nextGaussian() })
        let model = PatchCoreModel(
            settings: settings, bank: MemoryBank(features: bank), calibration: Calibration(heldOutScores: [1, 2, 3], sigmas: settings.thresholdSigmas),
            provenance: .init(weightsSHA256: network.weightsSHA256 ?? "unknown", teachImageCount: 5, heldOutImageCount: 1,
                              teachPatchCount: 320, teachSource: "random bank", teachSeconds: 0))
        return try PatchCoreExpert(network: network, model: model)
    }

    /// A colour gradient with a bright square, `seed` moving the square.
    public static func image(width: Int = 80, height: Int = 72, seed: Int = 0) throws -> RGBImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let inSquare = abs(x - 20 - seed * 9) < 8 && abs(y - 30) < 8
                pixels += inSquare ? [250, 250, 240] : [UInt8(x * 255 / width), UInt8(y * 255 / height), 90]
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
