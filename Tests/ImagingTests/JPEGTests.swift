import XCTest
@testable import Imaging

final class JPEGTests: XCTestCase {
    private func bottle(_ name: String = "test/broken_large/000.png") throws -> RGBImage {
        try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/" + name))
    }

    func testRoundTripKeepsQualityAboveBound() throws {
        let image = try bottle()
        let q90 = try JPEG.decodeRGB(JPEG.encode(image, quality: 90))
        XCTAssertEqual(q90.width, image.width)
        XCTAssertEqual(q90.height, image.height)
        // Measured 41-42 dB on the bottle images; 36 dB leaves room for libjpeg-turbo versions.
        XCTAssertGreaterThan(psnr(image, q90), 36)
        // Quality must matter: q20 is visibly worse and smaller.
        let q20Bytes = try JPEG.encode(image, quality: 20)
        let q20 = try JPEG.decodeRGB(q20Bytes)
        XCTAssertLessThan(psnr(image, q20), psnr(image, q90) - 3)
        XCTAssertLessThan(q20Bytes.count, try JPEG.encode(image, quality: 90).count)
    }

    func testGrayRoundTripAndRealGrayscaleJPEG() throws {
        // KolektorSDD parts are grayscale JPEGs straight from a line camera.
        let bytes = try ImageFile.readBytes(SharedData.path("kolektorsdd/kos01/Part0.jpg"))
        let gray = try JPEG.decodeGray(bytes)
        let rgb = try JPEG.decodeRGB(bytes)
        XCTAssertEqual(gray.width, rgb.width)
        XCTAssertEqual(gray.height, rgb.height)
        XCTAssertGreaterThan(gray.height, gray.width) // the parts are tall
        // A gray source decoded as RGB has equal channels.
        let channelsEqual = stride(from: 0, to: rgb.pixels.count, by: 3).allSatisfy { (i: Int) -> Bool in
            rgb.pixels[i] == rgb.pixels[i + 1] && rgb.pixels[i] == rgb.pixels[i + 2]
        }
        XCTAssertTrue(channelsEqual)
        let again = try JPEG.decodeGray(JPEG.encode(gray, quality: 95))
        XCTAssertGreaterThan(psnr(gray, again), 38)
    }

    func testDecodeTimeScalingGivesSmallerFaithfulImages() throws {
        let image = try bottle()
        let bytes = try JPEG.encode(image, quality: 95)
        for scale in JPEG.Scale.allCases {
            let decoded = try JPEG.decodeRGB(bytes, scale: scale)
            let expected = (image.width + scale.rawValue - 1) / scale.rawValue
            XCTAssertEqual(decoded.width, expected, "scale 1/\(scale.rawValue)")
            XCTAssertEqual(decoded.height, expected)
            // The IDCT-scaled decode must look like an area downscale of the full image.
            let reference = try image.resized(width: decoded.width, height: decoded.height, filter: .area)
            XCTAssertGreaterThan(psnr(decoded, reference), 28, "scale 1/\(scale.rawValue)")
        }
    }

    func testEmptyAndGarbageInputsThrow() throws {
        XCTAssertThrowsError(try JPEG.decodeRGB([])) { error in
            XCTAssertTrue("\(error)".contains("empty input"), "\(error)")
        }
        XCTAssertThrowsError(try JPEG.decodeRGB([0xFF, 0xD8]))
        XCTAssertThrowsError(try JPEG.decodeRGB(Array("not a jpeg at all".utf8)))
    }

    func testHugeDeclaredDimensionsAreRefusedBeforeAllocation() throws {
        var bytes = try JPEG.encode(RGBImage(width: 16, height: 16, fill: 128), quality: 90)
        // Rewrite the SOF0 frame header's height and width to 60000 x 60000 (3.6 Gpx).
        guard let sof = (0..<(bytes.count - 1)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }) else {
            return XCTFail("no SOF0 marker in our own JPEG")
        }
        for offset in [sof + 5, sof + 7] { bytes[offset] = 0xEA; bytes[offset + 1] = 0x60 }
        XCTAssertThrowsError(try JPEG.decodeRGB(bytes)) { error in
            guard case ImagingError.tooLarge = error else { return XCTFail("expected tooLarge, got \(error)") }
        }
    }

    /// 600 damaged frames: truncations and bit flips of real images. None may crash or exit the
    /// process; truncations must all be reported as errors; a bit-flipped file either fails or
    /// decodes to the geometry its (possibly flipped) header declares.
    func testCorruptedInputsGiveErrorsNeverACrash() throws {
        let sources = try [bottle(), bottle("train/good/000.png")].map { try JPEG.encode($0, quality: 85) }
        var rng = SeededGenerator(seed: 2026)
        let decoder = try JPEGDecoder()
        var truncatedErrors = 0, flips = 0, flipErrors = 0
        for i in 0..<300 {
            let source = sources[i % sources.count]
            let cut = Int.random(in: 0..<(source.count - 2), using: &rng)
            XCTAssertThrowsError(try decoder.decodeRGB(Array(source.prefix(cut))), "truncated at \(cut)")
            truncatedErrors += 1
        }
        for i in 0..<300 {
            var damaged = sources[i % sources.count]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = Int.random(in: 0..<damaged.count, using: &rng)
                damaged[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
            flips += 1
            do {
                let image = try decoder.decodeRGB(damaged)
                XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
            } catch {
                flipErrors += 1
                XCTAssertTrue(error is ImagingError)
            }
        }
        XCTAssertEqual(truncatedErrors, 300)
        // A flip inside entropy-coded data often still decodes cleanly, so not every flip can be
        // caught. Measured with this seed: strict mode flags 138 of 300, lenient mode only 18;
        // the bound tells the two apart.
        XCTAssertGreaterThan(flipErrors, flips / 3, "only \(flipErrors) of \(flips) bit-flipped frames were flagged")
        // The decoder is still usable after all those errors.
        XCTAssertNoThrow(try decoder.decodeRGB(sources[0]))
    }

    func testLenientModeDecodesTruncatedFrames() throws {
        let bytes = try JPEG.encode(bottle(), quality: 85)
        let truncated = Array(bytes.prefix(bytes.count * 3 / 4))
        XCTAssertThrowsError(try JPEG.decodeRGB(truncated, strict: true))
        let partial = try JPEG.decodeRGB(truncated, strict: false)
        XCTAssertEqual(partial.width, 384)
    }

    func testEncoderRejectsBadQuality() {
        XCTAssertThrowsError(try JPEG.encode(RGBImage(width: 4, height: 4), quality: 0))
        XCTAssertThrowsError(try JPEG.encode(RGBImage(width: 4, height: 4), quality: 101))
        XCTAssertThrowsError(try JPEG.encode(RGBImage(width: 0, height: 0), quality: 90))
    }
}
