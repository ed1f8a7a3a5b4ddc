import Imaging
import XCTest
@testable import Capture

final class SyntheticLineTests: XCTestCase {
    private func line(seed: UInt64, rate: Double = 0.3, product: SyntheticProduct = .bottleCap,
                      width: Int = 320, height: Int = 240) -> SyntheticLine {
        SyntheticLine(width: width, height: height, framesPerSecond: nil, seed: seed, defectRate: rate, product: product)
    }

    func testSameSeedGivesByteIdenticalFramesAndAnotherSeedDoesNot() throws {
        for product in SyntheticProduct.allCases {
            let a = line(seed: 11, product: product), b = line(seed: 11, product: product), c = line(seed: 12, product: product)
            let stop = try StopSignal()
            _ = try a.start()
            _ = try b.start()
            for part in 0..<4 {
                guard case .frame(let fa) = try a.next(stop: stop), case .frame(let fb) = try b.next(stop: stop) else {
                    return XCTFail("no frame")
                }
                XCTAssertEqual(fa.data, fb.data, "\(product) part \(part)")
                XCTAssertEqual(fa.truth, fb.truth)
                XCTAssertEqual(fa.sequence, UInt32(part))
                XCTAssertEqual(fa.truth?.partNumber, part)
                let other = c.render(part: part).image.pixels
                let differing = zip(fa.data, other).filter { $0 != $1 }.count
                XCTAssertGreaterThan(differing, fa.data.count / 4, "\(product) part \(part): seeds 11 and 12 look alike")
            }
            // Random access: part 3 rendered on its own is part 3 of the stream.
            XCTAssertEqual(line(seed: 11, product: product).render(part: 3).image, b.render(part: 3).image)
        }
    }

    func testConsecutivePartsVaryInPositionAndLighting() {
        let l = line(seed: 3, rate: 0)
        let images = (0..<3).map { l.render(part: $0).image }
        XCTAssertNotEqual(images[0], images[1])
        // Not just noise: the part moved or the light changed (mean brightness differs).
        let means = images.map { Double($0.pixels.reduce(0) { $0 + Int($1) }) / Double($0.pixels.count) }
        XCTAssertGreaterThan(Set(means.map { ($0 * 10).rounded() }).count, 1, "\(means)")
    }

    func testDefectShareIsCloseToTheConfiguredRate() {
        for (rate, seed) in [(0.1, UInt64(42)), (0.3, 7), (0.02, 3), (0.0, 1), (1.0, 2)] {
            let l = line(seed: seed, rate: rate)
            let parts = 4000
            let truths = (0..<parts).map { l.truth(part: $0) }
            let defective = truths.filter { $0.defect != nil }.count
            // Binomial(parts, p): 4 standard deviations.
            let n = Double(parts)
            let sigma = (n * rate * (1 - rate)).squareRoot()
            XCTAssertLessThanOrEqual(abs(Double(defective) - n * rate), 4 * sigma + 0.5, "rate \(rate): \(defective) of \(parts)")
            for truth in truths {
                XCTAssertEqual(truth.defect == nil, truth.defectBox == nil)
            }
            // The kinds share the defective parts evenly.
            let quarter = Double(defective) / 4, kindSigma = (Double(defective) * 0.25 * 0.75).squareRoot()
            for kind in DefectKind.allCases where defective > 0 {
                let count = truths.filter { $0.defect == kind }.count
                XCTAssertLessThanOrEqual(abs(Double(count) - quarter), 4 * kindSigma + 0.5, "rate \(rate) \(kind): \(count) of \(defective)")
            }
        }
    }

    func testDefectsChangePixelsInsideTheirBoxOnly() {
        for product in SyntheticProduct.allCases {
            let l = line(seed: 99, rate: 1, product: product)
            var checked: [DefectKind: Int] = [:]
            var part = 0
            while checked.values.reduce(0, +) < 12 && part < 100 {
                defer { part += 1 }
                let (damaged, truth) = l.render(part: part, paintDefect: true)
                guard let kind = truth.defect, let box = truth.defectBox, checked[kind, default: 0] < 3 else { continue }
                checked[kind, default: 0] += 1
                XCTAssertEqual(l.render(part: part).truth, truth)
                let whole = l.render(part: part, paintDefect: false).image
                XCTAssertGreaterThan(box.area, 16, "\(product) \(kind)")
                var inside = 0, strongInside = 0, outside = 0
                for y in 0..<damaged.height {
                    for x in 0..<damaged.width {
                        let i = (y * damaged.width + x) * 3
                        let diff = (0..<3).map { abs(Int(damaged.pixels[i + $0]) - Int(whole.pixels[i + $0])) }.max() ?? 0
                        guard diff > 0 else { continue }
                        let pixel = Rect(x: x, y: y, width: 1, height: 1)
                        if box.contains(pixel) {
                            inside += 1
                            if diff >= 24 { strongInside += 1 }
                        } else {
                            outside += 1
                        }
                    }
                }
                XCTAssertEqual(outside, 0, "\(product) part \(part) \(kind): \(outside) pixels changed outside \(box)")
                // Visible: a real share of the box, at a contrast an inspector would notice.
                XCTAssertGreaterThanOrEqual(strongInside, 8, "\(product) part \(part) \(kind) in \(box): \(inside) changed, \(strongInside) strongly")
            }
            XCTAssertEqual(Set(checked.keys), Set(DefectKind.allCases), "\(product)")
        }
    }

    func testDefectBoxesSitOnThePart() {
        // The box must overlap the part, not float on the belt: the part is near the centre.
        let l = line(seed: 5, rate: 1, width: 640, height: 480)
        for part in 0..<40 {
            let box = l.truth(part: part).defectBox!
            XCTAssertFalse(box.intersection(Rect(x: 140, y: 60, width: 360, height: 360)).isEmpty, "part \(part): \(box)")
        }
    }

    func testCompositedFramesEqualTheReferenceByteForByte() {
        for product in SyntheticProduct.allCases {
            for (width, height) in [(640, 480), (320, 240), (100, 300), (203, 57), (16, 16)] {
                let l = line(seed: 21, rate: 0.5, product: product, width: width, height: height)
                // Out of order and repeated, so the cache's history cannot matter.
                for part in [5, 0, 3, 5, 1, 2, 4] {
                    for paintDefect in [true, false] {
                        let fast = l.render(part: part, paintDefect: paintDefect)
                        let reference = l.renderReference(part: part, paintDefect: paintDefect)
                        XCTAssertEqual(fast.truth, reference.truth)
                        let differing = zip(fast.image.pixels, reference.image.pixels).filter { $0 != $1 }.count
                        XCTAssertEqual(differing, 0, "\(product) \(width)x\(height) part \(part) defect \(paintDefect)")
                    }
                }
            }
        }
    }

    func testPartsCutByTheFrameEdgeEqualTheReference() {
        let (width, height) = (160, 120)
        for product in SyntheticProduct.allCases {
            var compositor = SpriteCompositor(width: width, height: height, seed: 8)
            let reference = ReferenceRenderer(width: width, height: height, seed: 8)
            let centres = [SIMD2(0, 0), SIMD2(width - 1, height - 1), SIMD2(-30, height / 2), SIMD2(width / 2, height + 20),
                           SIMD2(width + 500, -500), SIMD2(3, height - 2)]
            for (part, centre) in centres.enumerated() {
                var plan = PartPlan(part: part, seed: 8, product: product, width: width, height: height, defectRate: 1)
                plan.centre = centre
                XCTAssertEqual(compositor.render(plan, paintDefect: true), reference.render(plan, paintDefect: true), "\(product) at \(centre)")
            }
        }
    }

    func testSpriteCacheHoldsOneSpritePerVariantAtMost() throws {
        for product in SyntheticProduct.allCases {
            let lazy = line(seed: 4, product: product, width: 160, height: 120)
            let parts = 0..<6
            for part in parts { _ = lazy.render(part: part) }
            let used = Set(parts.map { PartPlan(part: $0, seed: 4, product: product, width: 160, height: 120, defectRate: 0.3).variant.index })
            XCTAssertEqual(lazy.spriteCache.count, used.count, "\(product): a sprite per variant used, rendered at first use")

            let started = line(seed: 4, product: product, width: 160, height: 120)
            _ = try started.start()
            XCTAssertEqual(started.spriteCache.count, PartVariant.count, "\(product): start renders every sprite")
            let bytes = started.spriteCache.bytes
            for part in 0..<200 { _ = started.render(part: part) }
            XCTAssertEqual(started.spriteCache.count, PartVariant.count)
            XCTAssertEqual(started.spriteCache.bytes, bytes)
        }
    }

    func testGoodPartsVaryLikeARealLine() {
        let (width, height) = (320, 240)
        for product in SyntheticProduct.allCases {
            let plans = (0..<64).map { PartPlan(part: $0, seed: 13, product: product, width: width, height: height, defectRate: 0) }
            XCTAssertGreaterThanOrEqual(Set(plans.map(\.variant.index)).count, 12, "\(product): most variants appear")
            XCTAssertGreaterThanOrEqual(Set(plans.map { [$0.centre.x, $0.centre.y] }).count, 48, "\(product): positions vary")
            XCTAssertEqual(Set(plans.map(\.lighting.gain)).count, plans.count, "\(product): lighting varies")
            XCTAssertGreaterThanOrEqual(Set(plans.map(\.beltStart)).count, 60, "\(product): the belt moves")
            // The variants themselves differ across the part, not in a pixel or two.
            let variants = (0..<3).map { PartVariant(product: product, index: $0, seed: 13, width: width, height: height) }
            let reach = variants.map(\.reach).max() ?? 0
            for (a, b) in [(0, 1), (1, 2), (0, 2)] {
                var shown = 0, differing = 0
                for dy in -reach..<reach {
                    for dx in -reach..<reach {
                        let (p, q) = (variants[a].texel(dx, dy), variants[b].texel(dx, dy))
                        guard p.cover > 0 || q.cover > 0 else { continue }
                        shown += 1
                        if p != q { differing += 1 }
                    }
                }
                XCTAssertGreaterThan(differing, shown / 20, "\(product): variants \(a) and \(b) look alike")
            }
        }
    }

    func testBytesRoundToNearestAndClamp() {
        XCTAssertEqual([-3, 0, 0.49, 1.5, 2.5, 254.6, 255, 300, .infinity, -.infinity, .nan].map(Shading.byte),
                       [0, 0, 0, 2, 2, 255, 255, 255, 255, 0, 0])
    }

    func testPacedAtTheConfiguredRate() throws {
        let l = SyntheticLine(width: 64, height: 48, framesPerSecond: 50, seed: 1, defectRate: 0)
        _ = try l.start()
        let stop = try StopSignal()
        let begin = MonotonicClock.now()
        var stamps: [UInt64] = []
        for _ in 0..<11 {
            guard case .frame(let frame) = try l.next(stop: stop) else { return XCTFail("no frame") }
            stamps.append(frame.timestamp)
        }
        let elapsed = Double(MonotonicClock.now() - begin) / 1e9
        XCTAssertGreaterThanOrEqual(elapsed, 0.195)
        XCTAssertLessThan(elapsed, 0.6)
        XCTAssertEqual(Double(stamps.last! - stamps.first!) / 1e6, 200, accuracy: 0.5)
    }

    func testBadSettingsAreRejected() {
        XCTAssertThrowsError(try SyntheticLine(width: 8, height: 480).start())
        XCTAssertThrowsError(try SyntheticLine(defectRate: 1.5).start())
    }
}
