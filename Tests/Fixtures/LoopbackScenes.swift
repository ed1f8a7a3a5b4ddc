import Imaging
import SeededRandom

/// The real images the guest tests "film" through vivid's loopback: three MVTec bottles (good,
/// broken, contaminated) and a KolektorSDD commutator surface, from `../shared/data`.
public enum LoopbackScenes {
    /// Paths under the shared data, in scene order.
    public static let files = [
        "mvtec_ad/bottle/test/good/000.png", "mvtec_ad/bottle/test/broken_large/000.png",
        "mvtec_ad/bottle/test/contamination/000.png", "kolektorsdd/kos01/Part0.jpg",
    ]

    /// Each scene resized (area filter) to `width` x `height` and converted to YUYV, as a
    /// camera would deliver it.
    public static func frames(width: Int, height: Int) throws -> [[UInt8]] {
        try files.map { try yuyv(from: ImageFile.readRGB(SharedData.path($0)).resized(width: width, height: height, filter: .area)) }
    }

    /// `frames` in an irregular order for ``VividOutput`` to cycle through: each scene in turn
    /// (so every one comes round), held for 1 to 6 consecutive frames at random (`seed`). A
    /// consumer that takes every n-th frame at a steady pace then still sees every scene; with
    /// a plain round robin it could see one scene only, its period a multiple of the cycle.
    public static func irregular(_ frames: [[UInt8]], runs: Int = 64, seed: UInt64 = 1) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        var order: [[UInt8]] = []
        for run in 0..<runs {
            let repeats = 1 + Int(random.next() % 6)
            order += Array(repeating: frames[run % frames.count], count: repeats) // copies share storage
        }
        return order
    }
}
