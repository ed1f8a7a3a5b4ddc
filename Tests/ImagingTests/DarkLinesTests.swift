import Dispatch
import SeededRandom
import XCTest
@testable import Imaging

final class DarkLinesTests: XCTestCase {
    func testContrastMatchesItsPlainTwinOnRandomPlanes() throws {
        var rng = SeededGenerator(seed: 71)
        // Lengths longer than the row, offsets beyond the plane, no smoothing, widths that cover
        // the row sums' vector and scalar parts.
        for (w, h, sigma, offset, length) in [(9, 7, Float(1), 3, 31), (40, 40, 2, 5, 61), (3, 30, 1, 1, 1), (75, 12, 0, 2, 7),
                                              (64, 3, 1, 8, 16), (1, 1, 1, 3, 31), (224, 20, 3, 4, 200)] {
            let values = (0..<(w * h)).map { _ in Float.random(in: 0...255, using: &rng) }
            let plane = try FloatPlane(width: w, height: h, values: values)
            let fast = plane.darkLineContrast(sigma: sigma, offset: offset, length: length).values
            let slow = plane.darkLineContrastReference(sigma: sigma, offset: offset, length: length).values
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-3, "\(w)x\(h) sigma \(sigma) offset \(offset) length \(length)")
            var bandsRun = 0
            let shared = plane.darkLineContrast(sigma: sigma, offset: offset, length: length) { count, body in
                bandsRun += count
                DispatchQueue.concurrentPerform(iterations: count, execute: body)
            }
            XCTAssertEqual(shared.values.map(\.bitPattern), fast.map(\.bitPattern), "bands give the same bits")
            XCTAssertEqual(bandsRun, h > 1 ? 2 * min(h, concurrentBands) : 0, "both passes go through the loop")
        }
    }

    /// What the evidence is for: a thin dark line along the rows stands out of a grainy surface
    /// whose dark grains are as deep but short, and a step from bright to dark is no line.
    func testALongThinLineOutscoresGrainsAndAStepScoresNothing() throws {
        var rng = SeededGenerator(seed: 9)
        let (w, h) = (200, 120)
        var grainy = [Float](repeating: 150, count: w * h)
        // Dark grains 2 x 2 pixels, 40 grey levels deep.
        for _ in 0..<150 {
            let x = Int.random(in: 0..<(w - 2), using: &rng), y = Int.random(in: 0..<(h - 2), using: &rng)
            for dy in 0..<2 { for dx in 0..<2 { grainy[(y + dy) * w + x + dx] = 110 } }
        }
        let surface = try FloatPlane(width: w, height: h, values: grainy)
        var cracked = surface
        for x in 60..<140 { cracked[x, 70] = 110; cracked[x, 71] = 110 }
        let plain = surface.darkLineContrast(sigma: 1, offset: 3, length: 31)
        let line = cracked.darkLineContrast(sigma: 1, offset: 3, length: 31)
        let grains = try XCTUnwrap(plain.maximum).value, crack = try XCTUnwrap(line.maximum)
        XCTAssertGreaterThan(crack.value, 1.5 * grains, "the crack's contrast against the grains'")
        // Without the average along the rows a grain is as deep as the crack.
        let pointwise = try XCTUnwrap(cracked.darkLineContrast(sigma: 1, offset: 3, length: 1).maximum).value
        let grainsPointwise = try XCTUnwrap(surface.darkLineContrast(sigma: 1, offset: 3, length: 1).maximum).value
        XCTAssertLessThan(pointwise, 1.1 * grainsPointwise, "\(pointwise) against \(grainsPointwise)")
        XCTAssertTrue((69...72).contains(crack.y), "at the crack's rows, not at \(crack.y)")
        XCTAssertTrue((60..<140).contains(crack.x))

        var step = [Float](repeating: 200, count: w * h)
        for i in (w * h / 2)..<(w * h) { step[i] = 40 }
        let edge = try FloatPlane(width: w, height: h, values: step).darkLineContrast(sigma: 1, offset: 3, length: 31)
        XCTAssertLessThanOrEqual(try XCTUnwrap(edge.maximum).value, 1e-3, "a step is not a line")
    }

    func testMaxPoolingKeepsAOnePixelPeakInItsCell() throws {
        var plane = FloatPlane(width: 10, height: 7)
        plane[7, 5] = 3
        plane[0, 0] = -1
        let pooled = try plane.maxPooled(width: 3, height: 2)
        // Cell edges at 0, 3, 6, 10 across and 0, 3, 7 down.
        XCTAssertEqual(pooled.values, [0, 0, 0, 0, 0, 3])
        XCTAssertEqual(try plane.maxPooled(width: 10, height: 7), plane, "one pixel a cell")
        XCTAssertThrowsError(try plane.maxPooled(width: 11, height: 2))
        XCTAssertThrowsError(try plane.maxPooled(width: 0, height: 2))
    }

    func testLumaWeighsGreenMost() throws {
        let image = try RGBImage(width: 3, height: 1, pixels: [255, 0, 0, 0, 255, 0, 100, 100, 100])
        let luma = FloatPlane(luma: image)
        XCTAssertEqual(luma.values[0], 76.245, accuracy: 1e-3)
        XCTAssertEqual(luma.values[1], 149.685, accuracy: 1e-3)
        XCTAssertEqual(luma.values[2], 100, accuracy: 1e-3)
    }
}
