import Imaging
import SeededRandom
import XCTest

final class FlatteningTests: XCTestCase {
    /// A grey part under a lighting gradient, with a thin dark crack across it.
    private func crackedPart(width: Int = 96, height: Int = 64, brightness: Int = 0) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let lit = 60 + 120 * x / width + brightness
                let crack = y == height / 2 && (20..<76).contains(x) ? -40 : 0
                image.pixels[y * width + x] = UInt8(clamping: lit + crack)
            }
        }
        return image
    }

    func testTheLightingGoesAndTheCrackStays() throws {
        let flat = crackedPart().flattened(sigma: 6)
        let (w, h) = (flat.width, flat.height)
        // Away from the crack and farther than the blur's radius (4 sigma) from the left and right
        // borders, the gradient is gone: mid grey within the gradient's integer steps, doubled.
        for y in [8, 16, h - 9] {
            for x in stride(from: 26, to: w - 26, by: 7) {
                XCTAssertEqual(Int(flat.pixels[y * w + x]), 128, accuracy: 2, "(\(x), \(y))")
            }
        }
        // The crack is about 40 levels below its surroundings, doubled, less the blur's share.
        for x in stride(from: 30, to: 66, by: 5) {
            XCTAssertLessThan(Int(flat.pixels[(h / 2) * w + x]), 128 - 60, "crack at x \(x)")
        }
    }

    func testABrighterPartFlattensToTheSameImage() {
        let dim = crackedPart().flattened(sigma: 6), bright = crackedPart(brightness: 50).flattened(sigma: 6)
        // Equal but for Float rounding, which may move a value on a rounding boundary by one level.
        XCTAssertLessThanOrEqual(zip(dim.pixels, bright.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0, 1)
    }

    /// The plain twin: the reference blur, the formula, pixel by pixel. Grey (one channel), grey
    /// stored as RGB (flattened once and copied) and colour (each channel on its own) agree with it.
    func testEveryChannelIsTheReferenceFormula() throws {
        var rng = SplitMix64(seed: 5)
        let (w, h) = (37, 23)
        let planes = (0..<3).map { _ in (0..<(w * h)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        func reference(_ channel: [UInt8], sigma: Float) throws -> [UInt8] {
            let plane = try FloatPlane(width: w, height: h, values: channel.map(Float.init))
            let background = plane.gaussianBlurredReference(sigma: sigma).values
            return zip(channel, background).map { v, g in
                UInt8(min(max(((Float(v) - g) * GrayImage.flattenedGain + GrayImage.flattenedMidGrey).rounded(), 0), 255))
            }
        }
        func assertNear(_ a: [UInt8], _ b: [UInt8], _ what: String) {
            // The separable blur and the direct 2-D one differ in the last bits of a Float, which
            // can move a value that lies on a rounding boundary by one level.
            let worst = zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1, what)
        }
        for sigma: Float in [1.5, 4, 9] {
            let expected = try planes.map { try reference($0, sigma: sigma) }
            let grey = try GrayImage(width: w, height: h, pixels: planes[0]).flattened(sigma: sigma)
            assertNear(grey.pixels, expected[0], "grey, sigma \(sigma)")

            let greyRGB = try RGBImage(width: w, height: h, pixels: planes[0].flatMap { [$0, $0, $0] }).flattened(sigma: sigma)
            XCTAssertEqual(greyRGB.pixels, grey.pixels.flatMap { [$0, $0, $0] }, "grey RGB, sigma \(sigma)")

            let colour = try RGBImage(width: w, height: h, pixels: (0..<(w * h)).flatMap { i in planes.map { $0[i] } })
                .flattened(sigma: sigma)
            for c in 0..<3 {
                assertNear(stride(from: c, to: colour.pixels.count, by: 3).map { colour.pixels[$0] }, expected[c], "colour channel \(c), sigma \(sigma)")
            }
        }
    }
}
