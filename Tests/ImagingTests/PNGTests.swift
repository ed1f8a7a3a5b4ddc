import XCTest
@testable import Imaging

final class PNGTests: XCTestCase {
    func testRoundTripOfBottleImagesIsLossless() throws {
        for name in ["train/good/000.png", "test/contamination/000.png", "test/broken_small/005.png"] {
            let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/" + name))
            XCTAssertEqual(image.width, 384)
            XCTAssertEqual(image.height, 384)
            let again = try PNG.decodeRGB(PNG.encode(image))
            XCTAssertEqual(again, image, name)
        }
    }

    func testMasksDecodeAsBinaryGray() throws {
        let mask = try ImageFile.readGray(SharedData.path("mvtec_ad/bottle/ground_truth/broken_large/000_mask.png"))
        XCTAssertEqual(mask.width, 384)
        let values = Set(mask.pixels)
        XCTAssertEqual(values, [0, 255])
        XCTAssertEqual(try PNG.decodeGray(PNG.encode(mask)), mask)
    }

    func testCorruptPNGThrows() throws {
        let bytes = try PNG.encode(RGBImage(width: 32, height: 32, fill: 7))
        XCTAssertThrowsError(try PNG.decodeRGB([]))
        XCTAssertThrowsError(try PNG.decodeRGB(Array(bytes.prefix(bytes.count / 2))))
        var flipped = bytes
        flipped[40] ^= 0xFF // inside IHDR/IDAT: the CRC no longer matches
        XCTAssertThrowsError(try PNG.decodeRGB(flipped))
    }

    func testImageFileSniffsFormatAndWritesAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-png-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/train/good/001.png"))
        // A JPEG saved under a .png name is still read by its content.
        let misnamed = dir.appendingPathComponent("frame.png").path
        try Data(JPEG.encode(image, quality: 90)).write(to: URL(fileURLWithPath: misnamed))
        XCTAssertEqual(try ImageFile.readRGB(misnamed).width, 384)
        let out = dir.appendingPathComponent("copy.png").path
        try ImageFile.write(image, to: out)
        XCTAssertEqual(try ImageFile.readRGB(out), image)
        XCTAssertThrowsError(try ImageFile.write(image, to: dir.appendingPathComponent("x.bmp").path))
        XCTAssertThrowsError(try ImageFile.readRGB(dir.appendingPathComponent("absent.png").path)) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
    }
}
