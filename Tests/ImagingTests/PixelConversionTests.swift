import XCTest
@testable import Imaging

final class PixelConversionTests: XCTestCase {
    private func convert(_ bytes: [UInt8], width: Int, height: Int = 1, rowBytes: Int? = nil, range: YCbCrRange = .limited) throws -> RGBImage {
        try bytes.withUnsafeBytes { try PixelConversion.yuyvToRGB($0, width: width, height: height, rowBytes: rowBytes, range: range) }
    }

    func testBT601LimitedRangeAgainstHandComputedValues() throws {
        // Each pair: Y0 Cb Y1 Cr. Expected values computed by hand from
        // R = 1.164(Y-16) + 1.596(Cr-128), G = 1.164(Y-16) - 0.392(Cb-128) - 0.813(Cr-128),
        // B = 1.164(Y-16) + 2.017(Cb-128), rounded and clamped.
        let cases: [(yuyv: [UInt8], rgb: [UInt8])] = [
            ([16, 128, 16, 128], [0, 0, 0, 0, 0, 0]),               // video black
            ([235, 128, 235, 128], [255, 255, 255, 255, 255, 255]), // video white
            ([126, 128, 126, 128], [128, 128, 128, 128, 128, 128]), // mid grey: 1.164 * 110 = 128.08
            ([81, 90, 81, 240], [254, 0, 0, 254, 0, 0]),            // 75 % red bar: 75.68 + 178.76 = 254.4
            ([145, 54, 145, 34], [0, 255, 1, 0, 255, 1]),           // green: G = 150.2 + 29.0 + 76.4 -> 255; B = 150.2 - 149.3 = 0.9
            // blue: R = 29.10 - 28.73 = 0.37, G = 29.10 + 14.63 - 43.88 = -0.15, B = 29.10 + 225.9.
            ([41, 240, 41, 110], [0, 0, 255, 0, 0, 255]),
        ]
        for (yuyv, expected) in cases {
            XCTAssertEqual(try convert(yuyv, width: 2).pixels, expected, "YUYV \(yuyv)")
        }
    }

    func testEachPixelOfAPairUsesItsOwnLuma() throws {
        let out = try convert([16, 128, 235, 128], width: 2)
        XCTAssertEqual(out.pixels, [0, 0, 0, 255, 255, 255])
    }

    func testFullRangeUsesJFIFCoefficients() throws {
        // Y = 100, Cr = 200: R = 100 + 1.402 * 72 = 200.9 -> 201; G = 100 - 0.714 * 72 = 48.6 -> 49.
        let out = try convert([100, 128, 100, 200], width: 2, range: .full)
        XCTAssertEqual(Array(out.pixels.prefix(3)), [201, 49, 100])
    }

    func testPaddedRowsAreHonoured() throws {
        // 2x2 with 8-byte rows (4 bytes of padding each): padding must be skipped.
        let bytes: [UInt8] = [235, 128, 235, 128, 9, 9, 9, 9,
                              16, 128, 16, 128, 9, 9, 9, 9]
        let out = try convert(bytes, width: 2, height: 2, rowBytes: 8)
        XCTAssertEqual(out.pixels, [255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0])
    }

    func testBadGeometryIsAnError() {
        XCTAssertThrowsError(try convert([16, 128, 16], width: 2))          // short buffer
        XCTAssertThrowsError(try convert([16, 128, 16, 128, 0, 0], width: 3)) // odd width
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 5).withUnsafeBytes {
            try PixelConversion.grey($0, width: 3, height: 2)
        })
    }

    func testGreyAndLumaConversions() throws {
        let grey = try [UInt8]([1, 2, 3, 99, 4, 5, 6, 99]).withUnsafeBytes {
            try PixelConversion.grey($0, width: 3, height: 2, rowBytes: 4)
        }
        XCTAssertEqual(grey.pixels, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(grey.toRGB().pixels.prefix(6), [1, 1, 1, 2, 2, 2])
        let rgb = try RGBImage(width: 3, height: 1, pixels: [255, 0, 0, 0, 255, 0, 255, 255, 255])
        // (77 * 255 + 128) >> 8 = 77; (150 * 255 + 128) >> 8 = 149; 256 * 255 >> 8 = 255.
        XCTAssertEqual(rgb.toGray().pixels, [77, 149, 255])
    }
}
