import Dispatch
import CEagleKernels
import XCTest
@testable import Imaging

final class FloatPlaneTests: XCTestCase {
    func testBilinearMatchesPyTorchHalfPixelSemantics() throws {
        // torch.nn.functional.interpolate([[0, 4]], size=4, mode="bilinear", align_corners=False)
        // samples at source x = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp: 0, 1, 3, 4.
        let plane = try FloatPlane(width: 2, height: 1, values: [0, 4])
        XCTAssertEqual(try plane.resizedBilinear(width: 4, height: 1).values, [0, 1, 3, 4])
        // Downscaling by 2 takes the mean of each pair (source x = 0.5, 2.5).
        let wide = try FloatPlane(width: 4, height: 1, values: [0, 2, 10, 20])
        XCTAssertEqual(try wide.resizedBilinear(width: 2, height: 1).values, [1, 15])
    }

    func testUpscaledConstantStaysConstantAndPeakStaysPut() throws {
        var plane = FloatPlane(width: 28, height: 28, fill: 0.25)
        XCTAssertTrue(try plane.resizedBilinear(width: 224, height: 224).values.allSatisfy { $0 == 0.25 })
        plane[20, 7] = 3
        let big = try plane.resizedBilinear(width: 224, height: 224)
        let peak = try XCTUnwrap(big.maximum)
        // Patch (20, 7) covers pixels 160..<168 x 56..<64 at 8x.
        XCTAssertTrue((160..<168).contains(peak.x) && (56..<64).contains(peak.y), "\(peak)")
    }

    func testReflectRepeatsTheEdgeSampleLikeScipy() {
        // scipy.ndimage 'reflect' on [a b c]: ... b a | a b c | c b ...
        XCTAssertEqual((-3...5).map { FloatPlane.reflect($0, 3) }, [2, 1, 0, 0, 1, 2, 2, 1, 0])
        XCTAssertEqual(FloatPlane.reflect(-7, 1), 0)
    }

    func testBilinearMatchesItsTwinBitForBit() throws {
        var rng = SeededGenerator(seed: 45)
        for (w, h, ow, oh) in [(28, 28, 224, 224), (14, 14, 28, 28), (7, 3, 50, 9), (1, 5, 4, 11), (9, 9, 4, 3), (3, 1, 3, 1)] {
            let plane = try FloatPlane(width: w, height: h, values: (0..<(w * h)).map { _ in Float.random(in: -3...9, using: &rng) })
            XCTAssertEqual(try plane.resizedBilinear(width: ow, height: oh).values.map(\.bitPattern),
                           try plane.resizedBilinearReference(width: ow, height: oh).values.map(\.bitPattern), "\(w)x\(h) -> \(ow)x\(oh)")
        }
    }

    func testGaussianKernelShape() {
        let k = FloatPlane.gaussianKernel(sigma: 4)
        XCTAssertEqual(k.count, 33) // radius Int(16.5) = 16
        XCTAssertEqual(k.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(k[16], k.max())
        XCTAssertEqual(k[0], k[32])
    }

    func testSeparableBlurMatchesTheDirectTwinOnRandomPlanes() throws {
        var rng = SeededGenerator(seed: 44)
        // Widths cover the 32-wide, 8-wide and scalar parts of the row sums and their mixes.
        for (w, h, sigma) in [(9, 7, Float(1)), (17, 5, 2), (3, 30, 4), (40, 40, 4), (1, 1, 4), (224, 12, 4), (75, 9, 3), (64, 3, 1)] {
            let values = (0..<(w * h)).map { _ in Float.random(in: -2...5, using: &rng) }
            let plane = try FloatPlane(width: w, height: h, values: values)
            let fast = plane.gaussianBlurred(sigma: sigma).values
            let slow = plane.gaussianBlurredReference(sigma: sigma).values
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-4, "\(w)x\(h) sigma \(sigma)")
            // Bands of rows on Dispatch's threads (the expert passes its kernels' pool): the same bits.
            var bandsRun = 0
            let shared = plane.gaussianBlurred(sigma: sigma) { count, body in
                bandsRun += count
                DispatchQueue.concurrentPerform(iterations: count, execute: body)
            }
            XCTAssertEqual(shared.values.map(\.bitPattern), fast.map(\.bitPattern), "\(w)x\(h) sigma \(sigma)")
            XCTAssertEqual(bandsRun, h > 1 ? 2 * min(h, concurrentBands) : 0, "both passes go through the loop")
        }
    }

    /// The blur's row sums (a C kernel, AVX2 when the CPU has it) give the bits of the plain
    /// separable sequence ((0 + w0 s0) + w1 s1) + ..., one Float output at a time: on the
    /// detected instruction set and on the portable path.
    func testSeparableBlurHasTheBitsOfThePlainSequence() throws {
        defer { _ = eagle_kernels_force_isa(eagle_kernels_detected_isa()) }
        var rng = SeededGenerator(seed: 45)
        for (w, h, sigma) in [(224, 6, Float(4)), (45, 37, 4), (9, 7, 1), (1, 3, 2)] {
            let plane = try FloatPlane(width: w, height: h, values: (0..<(w * h)).map { _ in Float.random(in: -2...5, using: &rng) })
            let kernel = FloatPlane.gaussianKernel(sigma: sigma), r = kernel.count / 2
            var rows = [Float](repeating: 0, count: w * h), twin = rows
            for y in 0..<h {
                for x in 0..<w {
                    var sum: Float = 0
                    for (t, weight) in kernel.enumerated() { sum += weight * plane.values[y * w + FloatPlane.reflect(x + t - r, w)] }
                    rows[y * w + x] = sum
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    var sum: Float = 0
                    for (t, weight) in kernel.enumerated() { sum += weight * rows[FloatPlane.reflect(y + t - r, h) * w + x] }
                    twin[y * w + x] = sum
                }
            }
            for isa in [eagle_kernels_detected_isa(), EAGLE_ISA_PORTABLE] {
                XCTAssertEqual(eagle_kernels_force_isa(isa), 0)
                XCTAssertEqual(plane.gaussianBlurred(sigma: sigma).values.map(\.bitPattern), twin.map(\.bitPattern),
                               "\(w)x\(h) sigma \(sigma), \(String(cString: eagle_isa_name(isa)))")
            }
        }
    }

    func testBlurKeepsTheMeanOfAnImpulseAwayFromBorders() {
        var plane = FloatPlane(width: 64, height: 64)
        plane[32, 32] = 100
        let blurred = plane.gaussianBlurred(sigma: 4)
        XCTAssertEqual(blurred.values.reduce(0, +), 100, accuracy: 1e-3)
        XCTAssertEqual(blurred.maximum?.x, 32)
        XCTAssertEqual(blurred[32, 32], 100 * FloatPlane.gaussianKernel(sigma: 4)[16] * FloatPlane.gaussianKernel(sigma: 4)[16], accuracy: 1e-4)
    }
}
