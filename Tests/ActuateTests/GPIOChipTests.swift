import Actuate
import XCTest

/// What the GPIO layer does on a machine: the library it was built against, and the errors a
/// user sees for a chip that is not there. The lines themselves are exercised against gpio-sim
/// on the virtual board.
final class GPIOChipTests: XCTestCase {
    func testTheLinkedLibraryReportsItsAPI() {
        XCTAssertTrue([1, 2].contains(GPIOLibrary.apiMajor))
        XCTAssertTrue(GPIOLibrary.version.hasPrefix("\(GPIOLibrary.apiMajor)."), GPIOLibrary.version)
        XCTAssertEqual(GPIOLibrary.hasDebounce, GPIOLibrary.apiMajor == 2)
    }

    func testAMissingChipLabelSaysWhatWasFound() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("gpio-\(getpid())").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        XCTAssertThrowsError(try GPIOChip(label: "pinctrl-rp1", directory: empty)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("pinctrl-rp1"), text)
            XCTAssertTrue(text.contains("no chip could be opened"), text)
        }
    }

    func testAFileThatIsNotAChipIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpiochip-not-\(getpid())").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try GPIOChip(path: path)) { error in
            XCTAssertTrue("\(error)".contains("cannot open \(path)"), "\(error)")
        }
    }
}
