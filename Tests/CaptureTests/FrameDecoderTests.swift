import Imaging
import SeededRandom
import TestFixtures
import XCTest
@testable import Capture

final class FrameDecoderTests: XCTestCase {
    private func frame(_ format: PixelFormat, _ width: Int, _ height: Int, bytesPerLine: Int, range: YCbCrRange = .limited,
                       _ data: [UInt8]) -> Frame {
        Frame(format: format, width: width, height: height, bytesPerLine: bytesPerLine, range: range, data: data,
              timestamp: 1, sequence: 0)
    }

    func testYUYVDecodesToHandComputedBT601Values() throws {
        // Two rows of one pixel pair each, rows padded to 8 bytes with junk the decoder must skip.
        //   row 0: Y 16 / 235 with neutral chroma: black and white.
        //   row 1: BT.601 red (Y 81, Cb 90, Cr 240) and Y 126 neutral.
        // R = 1.164383 (Y-16) + 1.596027 (Cr-128); G = 1.164383 (Y-16) - 0.391762 (Cb-128) - 0.812968 (Cr-128);
        // B = 1.164383 (Y-16) + 2.017232 (Cb-128).
        //   red:  R = 75.685 + 178.755 = 254.44 -> 254; G = 75.685 + 14.887 - 91.052 = -0.48 -> 0;
        //         B = 75.685 - 76.655 = -0.97 -> 0.
        //   Y 126: 1.164383 * 110 = 128.08 -> 128 in every channel.
        let data: [UInt8] = [16, 128, 235, 128, 0xAA, 0xBB, 0xCC, 0xDD,
                             81, 90, 126, 240, 0xEE, 0xEE, 0xEE, 0xEE]
        let image = try FrameDecoder().decode(frame(.yuyv, 2, 2, bytesPerLine: 8, data))
        XCTAssertEqual(image.width, 2)
        XCTAssertEqual(image.height, 2)
        XCTAssertTrue(image.rgb(x: 0, y: 0) == (0, 0, 0))
        XCTAssertTrue(image.rgb(x: 1, y: 0) == (255, 255, 255))
        XCTAssertTrue(image.rgb(x: 0, y: 1) == (254, 0, 0), "\(image.rgb(x: 0, y: 1))")
        // The second pixel shares the red chroma: 128.08 + 178.755 = 306.8 -> 255; G = 128.08 + 14.887 - 91.052 = 51.9
        // -> 52; B = 128.08 - 76.655 = 51.4 -> 51.
        XCTAssertTrue(image.rgb(x: 1, y: 1) == (255, 52, 51), "\(image.rgb(x: 1, y: 1))")
    }

    func testFullRangeYUYVKeepsLuma() throws {
        // JPEG-colorspace YUYV: Y passes through unscaled when chroma is neutral.
        let image = try FrameDecoder().decode(frame(.yuyv, 2, 1, bytesPerLine: 4, range: .full, [0, 128, 200, 128]))
        XCTAssertEqual(image.pixels, [0, 0, 0, 200, 200, 200])
    }

    func testGreyRowsWithPaddingBecomeGreyRGB() throws {
        let data: [UInt8] = [0, 100, 255, 9, 9, 7, 8, 9, 9, 9]
        let image = try FrameDecoder().decode(frame(.grey, 3, 2, bytesPerLine: 5, data))
        XCTAssertEqual(image.pixels, [0, 0, 0, 100, 100, 100, 255, 255, 255, 7, 7, 7, 8, 8, 8, 9, 9, 9])
    }

    func testShortRawPayloadsAreCorruptNotACrash() throws {
        let decoder = try FrameDecoder()
        for (format, bpp) in [(PixelFormat.yuyv, 2), (.grey, 1), (.rgb24, 3)] {
            let stride = 8 * bpp
            let full = [UInt8](repeating: 128, count: stride * 4)
            XCTAssertNoThrow(try decoder.decode(frame(format, 8, 4, bytesPerLine: stride, full)))
            for count in [0, 1, stride * 3, stride * 4 - 1] {
                XCTAssertThrowsError(try decoder.decode(frame(format, 8, 4, bytesPerLine: stride, Array(full.prefix(count))))) {
                    guard case CaptureError.corruptFrame(let reason) = $0 else { return XCTFail("\($0)") }
                    XCTAssertTrue(reason.contains("short payload") || reason.contains("geometry"), reason)
                }
            }
        }
        // Nonsense geometry from a confused driver.
        XCTAssertThrowsError(try decoder.decode(frame(.yuyv, 8, 4, bytesPerLine: 3, [UInt8](repeating: 0, count: 64))))
        XCTAssertThrowsError(try decoder.decode(frame(.yuyv, 0, 4, bytesPerLine: 0, [])))
        XCTAssertThrowsError(try decoder.decode(frame(PixelFormat(rawValue: 0x3231_564E), 8, 4, bytesPerLine: 8, [UInt8](repeating: 0, count: 64))))
    }

    func testMJPEGFromARealImageDecodesFaithfully() throws {
        let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/test/good/000.png"))
        let jpeg = try JPEG.encode(image, quality: 90)
        let decoded = try FrameDecoder().decode(frame(.mjpeg, image.width, image.height, bytesPerLine: 0, jpeg))
        XCTAssertEqual(decoded.width, image.width)
        XCTAssertGreaterThan(psnr(decoded, image), 36)
    }

    func testTruncatedAndStructurallyDamagedMJPEGIsCorrupt() throws {
        let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/test/broken_large/000.png"))
        let jpeg = try JPEG.encode(image, quality: 85)
        let decoder = try FrameDecoder()
        func decode(_ bytes: [UInt8]) throws -> RGBImage {
            try decoder.decode(frame(.mjpeg, image.width, image.height, bytesPerLine: 0, bytes))
        }
        // Truncation anywhere (a USB transfer cut short): always caught by the strict decoder.
        for cut in [1, 2, 64, jpeg.count / 3, jpeg.count - 2] {
            XCTAssertThrowsError(try decode(Array(jpeg.prefix(jpeg.count - cut))), "cut \(cut)")
        }
        // Flips that break the structure: the SOI marker, the frame height in SOF0 (the image
        // then disagrees with the stream's size), and a marker forged into the scan data.
        let sof = try XCTUnwrap(markerOffset(0xC0, in: jpeg))
        let sos = try XCTUnwrap(markerOffset(0xDA, in: jpeg))
        var soi = jpeg
        soi[1] ^= 0x01
        var height = jpeg
        height[sof + 5] ^= 0x02
        var forged = jpeg
        forged[sos + 400] = 0xFF
        forged[sos + 401] = 0xC4
        for (name, bytes) in [("SOI", soi), ("SOF0 height", height), ("marker in scan", forged)] {
            XCTAssertThrowsError(try decode(bytes), name)
        }
        // The decoder is reusable after failures.
        XCTAssertNoThrow(try decode(jpeg))
    }

    func testRandomBitFlipsNeverCrashAndAreEitherRejectedOrWholeFrames() throws {
        // A single flipped bit in entropy-coded data often still decodes (JPEG has no
        // checksum); what matters is that every outcome is a clean error or a frame of the
        // right size, never a crash, and that the errors are the strict decoder's.
        let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/test/good/001.png"))
        let jpeg = try JPEG.encode(image.resized(width: 320, height: 320, filter: .area), quality: 85)
        let decoder = try FrameDecoder()
        var rng = SplitMix64(seed: 2026)
        var rejected = 0
        for _ in 0..<200 {
            var bytes = jpeg
            let position = Int.random(in: 2..<(bytes.count - 2), using: &rng)
            bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            do {
                let decoded = try decoder.decode(frame(.mjpeg, 320, 320, bytesPerLine: 0, bytes))
                XCTAssertEqual(decoded.pixels.count, 320 * 320 * 3)
            } catch CaptureError.corruptFrame {
                rejected += 1
            }
        }
        XCTAssertGreaterThan(rejected, 0)
        print("MJPEG single bit flips rejected by the strict decoder: \(rejected) of 200")
    }

    private func markerOffset(_ marker: UInt8, in bytes: [UInt8]) -> Int? {
        (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == marker }
    }
}
