import Dispatch
import XCTest
@testable import Imaging

final class ResizeTests: XCTestCase {
    func testOptimizedMatchesReferenceOnRandomImages() throws {
        var rng = SeededGenerator(seed: 7)
        for trial in 0..<60 {
            let w = Int.random(in: 1...23, using: &rng), h = Int.random(in: 1...23, using: &rng)
            let nw = Int.random(in: 1...31, using: &rng), nh = Int.random(in: 1...31, using: &rng)
            let filter = ResizeFilter.allCases[trial % ResizeFilter.allCases.count]
            if trial % 2 == 0 {
                let image = randomImage(RGB8.self, width: w, height: h, using: &rng)
                let fast = try image.resized(width: nw, height: nh, filter: filter)
                let slow = image.resizedReference(width: nw, height: nh, filter: filter)
                assertClose(fast, slow, "\(filter) \(w)x\(h)->\(nw)x\(nh)")
            } else {
                let image = randomImage(Gray8.self, width: w, height: h, using: &rng)
                let fast = try image.resized(width: nw, height: nh, filter: filter)
                let slow = image.resizedReference(width: nw, height: nh, filter: filter)
                assertClose(fast, slow, "\(filter) gray \(w)x\(h)->\(nw)x\(nh)")
            }
        }
    }

    private func assertClose<L>(_ a: Image<L>, _ b: Image<L>, _ what: String) {
        XCTAssertEqual(a.width, b.width, what)
        XCTAssertEqual(a.height, b.height, what)
        // Float vs Double accumulation may land on the other side of a .5: one level at most.
        let worst = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1, what)
    }

    func testAreaHalvingIsTheMeanOfEachBlock() throws {
        var rng = SeededGenerator(seed: 11)
        let image = randomImage(Gray8.self, width: 8, height: 6, using: &rng)
        let half = try image.resized(width: 4, height: 3, filter: .area)
        for y in 0..<3 {
            for x in 0..<4 {
                let block = [image[2 * x, 2 * y], image[2 * x + 1, 2 * y], image[2 * x, 2 * y + 1], image[2 * x + 1, 2 * y + 1]]
                let sum = block.reduce(0) { $0 + Int($1.first ?? 0) }
                // Round half up, as documented.
                XCTAssertEqual(Int(half[x, y].first ?? 0), (sum * 2 + 4) / 8, "block \(x),\(y)")
            }
        }
    }

    func testAreaThirdWithFractionalCoverage() throws {
        // 1x3 -> 1x2: output 0 covers input [0, 1.5): 1 * p0 + 0.5 * p1 over 1.5.
        let image = try GrayImage(width: 3, height: 1, pixels: [30, 90, 210])
        let out = try image.resized(width: 2, height: 1, filter: .area)
        XCTAssertEqual(out.pixels, [50, 170])
    }

    func testConstantImageStaysConstantUnderEveryFilter() throws {
        let image = RGBImage(width: 37, height: 21, fill: 173)
        for filter in ResizeFilter.allCases {
            for (w, h) in [(5, 3), (80, 50), (37, 7)] {
                let out = try image.resized(width: w, height: h, filter: filter)
                XCTAssertTrue(out.pixels.allSatisfy { $0 == 173 }, "\(filter) -> \(w)x\(h)")
            }
        }
    }

    func testBilinearUpscaleOfARampIsARamp() throws {
        // Pixel centres: input i at i + 0.5, output j at (j + 0.5) / 2. Interior outputs
        // interpolate linearly between 0, 40, 80, 120.
        let ramp = try GrayImage(width: 4, height: 1, pixels: [0, 40, 80, 120])
        let out = try ramp.resized(width: 8, height: 1, filter: .bilinear)
        XCTAssertEqual(out.pixels, [0, 10, 30, 50, 70, 90, 110, 120])
    }

    func testBicubicOvershootIsClampedNotWrapped() throws {
        let edge = try GrayImage(width: 4, height: 1, pixels: [0, 0, 255, 255])
        let out = try edge.resized(width: 16, height: 1, filter: .bicubic)
        XCTAssertEqual(out.pixels.first, 0)
        XCTAssertEqual(out.pixels.last, 255)
        XCTAssertEqual(out.pixels, out.pixels.sorted(), "an edge must stay monotone after clamping")
    }

    func testShorterSideResizeAndCenterCropGeometry() throws {
        // MVTec bottle here: 384x384 -> 256x256 -> 224 crop at (16, 16).
        let square = RGBImage(width: 384, height: 384)
        let s = try square.resizedShorterSide(to: 256)
        XCTAssertEqual([s.width, s.height], [256, 256])
        XCTAssertEqual(s.centerCropRect(width: 224, height: 224), Rect(x: 16, y: 16, width: 224, height: 224))
        // KolektorSDD: 500x1257 -> 256x643 (torchvision truncates) -> crop top round(419/2) = 210 (ties to even).
        let tall = GrayImage(width: 500, height: 1257)
        let t = try tall.resizedShorterSide(to: 256)
        XCTAssertEqual([t.width, t.height], [256, 643])
        XCTAssertEqual(t.centerCropRect(width: 224, height: 224), Rect(x: 16, y: 210, width: 224, height: 224))
        let wide = RGBImage(width: 640, height: 480)
        let protocolInput = try wide.resizedAndCenterCropped(resize: 256, crop: 224)
        XCTAssertEqual([protocolInput.width, protocolInput.height], [224, 224])
    }

    func testCropCopiesTheRightPixelsAndRejectsOutOfBounds() throws {
        var rng = SeededGenerator(seed: 3)
        let image = randomImage(RGB8.self, width: 10, height: 8, using: &rng)
        let crop = try image.cropped(to: Rect(x: 3, y: 2, width: 4, height: 5))
        for y in 0..<5 {
            for x in 0..<4 {
                XCTAssertEqual(Array(crop[x, y]), Array(image[x + 3, y + 2]))
            }
        }
        XCTAssertThrowsError(try image.cropped(to: Rect(x: 8, y: 0, width: 4, height: 2)))
        XCTAssertThrowsError(try image.cropped(to: Rect(x: 0, y: 0, width: 0, height: 2)))
        XCTAssertThrowsError(try image.centerCropped(width: 11, height: 8))
        XCTAssertThrowsError(try image.resized(width: 0, height: 3))
    }

    /// Resizing only a window gives exactly the pixels of resizing everything and cropping, for
    /// every filter, up- and downscaling, windows at the edges, and the protocol's centre crop.
    func testWindowedResizeEqualsResizeThenCrop() throws {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<40 {
            let image = randomImage(RGB8.self, width: Int.random(in: 1...40, using: &rng), height: Int.random(in: 1...40, using: &rng), using: &rng)
            let nw = Int.random(in: 1...33, using: &rng), nh = Int.random(in: 1...33, using: &rng)
            let w = Int.random(in: 1...nw, using: &rng), h = Int.random(in: 1...nh, using: &rng)
            let window = Rect(x: Int.random(in: 0...(nw - w), using: &rng), y: Int.random(in: 0...(nh - h), using: &rng), width: w, height: h)
            let filter = ResizeFilter.allCases[trial % ResizeFilter.allCases.count]
            let whole = try image.resized(width: nw, height: nh, filter: filter).cropped(to: window)
            let part = try image.resized(width: nw, height: nh, filter: filter, keeping: window)
            XCTAssertEqual([part.width, part.height], [w, h])
            XCTAssertEqual(part.pixels, whole.pixels, "\(filter) \(image.width)x\(image.height) -> \(nw)x\(nh) window \(window)")
            // In bands of rows on Dispatch's threads (the expert passes its kernels' pool): the same pixels.
            var bandsRun = 0
            let shared = try image.resized(width: nw, height: nh, filter: filter, keeping: window) { count, body in
                bandsRun += count
                DispatchQueue.concurrentPerform(iterations: count, execute: body)
            }
            XCTAssertEqual(shared.pixels, part.pixels, "\(filter) \(image.width)x\(image.height) -> \(nw)x\(nh) window \(window), in bands")
            if h > 1 && (nw != image.width || nh != image.height) { XCTAssertGreaterThan(bandsRun, 0) }
        }
        let photo = randomImage(RGB8.self, width: 90, height: 70, using: &rng)
        let protocolInput = try photo.resizedAndCenterCropped(resize: 64, crop: 56, filter: .bicubic)
        XCTAssertEqual(protocolInput.pixels, try photo.resizedShorterSide(to: 64, filter: .bicubic).centerCropped(width: 56, height: 56).pixels)
        XCTAssertThrowsError(try photo.resized(width: 10, height: 10, keeping: Rect(x: 5, y: 5, width: 6, height: 2)))
        XCTAssertThrowsError(try photo.resizedShorterSide(to: 64, centerCroppedTo: 90, 10))
    }
}
