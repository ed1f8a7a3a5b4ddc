import XCTest
@testable import Capture

final class SourceFactoryTests: XCTestCase {
    func testSettingsChooseTheSource() throws {
        var settings = CaptureSettings(source: .synthetic, width: 320, height: 240, fps: 15)
        settings.synthetic = .init(seed: 9, defectRate: 0.25, product: .bracket)
        let line = try XCTUnwrap(try settings.makeSource() as? SyntheticLine)
        XCTAssertEqual([line.width, line.height], [320, 240])
        XCTAssertEqual(line.framesPerSecond, 15)
        XCTAssertEqual(line.seed, 9)
        XCTAssertEqual(line.defectRate, 0.25)
        XCTAssertEqual(line.product, .bracket)

        let folder = try XCTUnwrap(try CaptureSettings(source: .folder, fps: 5, folder: "/srv/parts", loop: true).makeSource() as? FolderSource)
        XCTAssertEqual(folder.folder, "/srv/parts")
        XCTAssertEqual(folder.framesPerSecond, 5)
        XCTAssertTrue(folder.loops)

        let camera = try XCTUnwrap(try CaptureSettings(source: .v4l2, device: "/dev/v4l/by-id/usb-cam-video-index0").makeSource() as? V4L2Camera)
        XCTAssertEqual(camera.path, "/dev/v4l/by-id/usb-cam-video-index0")
    }

    func testMissingDeviceOrFolderIsOneClearSentence() {
        XCTAssertThrowsError(try CaptureSettings(source: .v4l2).makeSource()) {
            XCTAssertEqual("\($0)", "camera.device is needed for the v4l2 source")
        }
        XCTAssertThrowsError(try CaptureSettings(source: .folder, folder: "").makeSource()) {
            XCTAssertEqual("\($0)", "camera.folder is needed for the folder source")
        }
    }
}
