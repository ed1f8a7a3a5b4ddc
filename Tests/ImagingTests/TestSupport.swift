import Foundation
import SeededRandom
import XCTest
@testable import Imaging

/// `../shared/data` beside the package root: real images nobody on the project made.
enum SharedData {
    static let root: String = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    /// The absolute path of `relative` under the shared data folder; fails the test when absent.
    static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = root + "/" + relative
        guard FileManager.default.fileExists(atPath: p) else {
            XCTFail("missing reference data \(p): the checkout needs ../shared beside it", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return p
    }
}

/// Seeded so random tests replay the same inputs.
typealias SeededGenerator = SplitMix64

/// Peak signal-to-noise ratio in dB between two images of the same size.
func psnr<L>(_ a: Image<L>, _ b: Image<L>) -> Double {
    (try? a.psnr(to: b)) ?? 0
}

func randomImage<L>(_ type: L.Type, width: Int, height: Int, using rng: inout SeededGenerator) -> Image<L> {
    var image = Image<L>(width: width, height: height)
    for i in 0..<image.pixels.count { image.pixels[i] = UInt8.random(in: 0...255, using: &rng) }
    return image
}
