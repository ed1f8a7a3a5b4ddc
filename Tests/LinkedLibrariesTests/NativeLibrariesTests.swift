import CEagleShims
import XCTest
@testable import LinkedLibraries

final class NativeLibrariesTests: XCTestCase {
    func testEveryLibraryReportsARealVersion() {
        let entries = NativeLibraries.linked()
        XCTAssertEqual(entries.map(\.name), ["libjpeg-turbo", "libpng", "OpenBLAS", "libgpiod", "libmosquitto", "SQLite"])
        for entry in entries {
            XCTAssertNotNil(entry.version.first(where: \.isNumber), "\(entry.name): \(entry.version)")
            XCTAssertFalse(entry.version.contains("unknown"), "\(entry.name): \(entry.version)")
        }
    }

    /// The shim must pick the libgpiod API it was compiled against: 1.x on Debian 12 hosts,
    /// 2.x on the Debian 13 board. A mismatch would mean the v1/v2 split is wired wrong.
    func testGpiodShimMatchesTheLibraryItLinks() throws {
        let version = String(cString: eagle_gpiod_version())
        let major = try XCTUnwrap(Int(version.prefix { $0.isNumber }))
        XCTAssertEqual(Int(eagle_gpiod_api_major()), major, "libgpiod \(version)")
    }

    func testLibjpegIsTheTurboBuild() throws {
        let jpeg = try XCTUnwrap(NativeLibraries.linked().first)
        let major = Int(jpeg.version.prefix { $0.isNumber }) ?? 0
        XCTAssertGreaterThanOrEqual(major, 2, jpeg.version) // SIMD decoding arrived in the 2.x line
    }
}
