import CV4L2
import Glibc
import XCTest
@testable import Capture

/// What can be checked of the V4L2 layer without a camera; the device itself is exercised by
/// ``VirtualBoardCaptureTests`` in the guest.
final class V4L2BasicsTests: XCTestCase {
    /// What a V4L2 ioctl on a file that is not a V4L2 device fails with: ENOTTY from Linux,
    /// ENOSYS from qemu-user, which does not translate ioctls it does not know (the aarch64 run).
    private static let notAnIoctlHere: [Int32] = [ENOTTY, ENOSYS]

    private func format(_ pixelFormat: PixelFormat, emulated: Bool = false) -> V4L2FormatDescription {
        V4L2FormatDescription(index: 0, pixelFormat: pixelFormat, name: "\(pixelFormat)", isCompressed: pixelFormat.isCompressed,
                              isEmulated: emulated, sizes: [])
    }

    func testFormatChoice() {
        let webcam = [format(.yuyv), format(.mjpeg), format(.rgb24, emulated: true)]
        XCTAssertEqual(FormatChoice.choose(.auto, offered: webcam, isUSB: true), .mjpeg, "USB: MJPEG saves bandwidth")
        XCTAssertEqual(FormatChoice.choose(.auto, offered: webcam, isUSB: false), .yuyv, "elsewhere: no compression loss")
        XCTAssertEqual(FormatChoice.choose(.yuyv, offered: webcam, isUSB: true), .yuyv)
        XCTAssertEqual(FormatChoice.choose(.mjpeg, offered: [format(.jpeg)], isUSB: true), .jpeg)
        XCTAssertEqual(FormatChoice.choose(.auto, offered: [format(.grey)], isUSB: true), .grey)
        XCTAssertNil(FormatChoice.choose(.grey, offered: webcam, isUSB: true))
        let bayer = [format(PixelFormat(rawValue: 0x3847_4142)), format(.rgb24, emulated: true)]
        XCTAssertEqual(FormatChoice.choose(.auto, offered: bayer, isUSB: true), .rgb24, "libv4l2 converts what we cannot decode")
        XCTAssertNil(FormatChoice.choose(.yuyv, offered: bayer, isUSB: true), "explicit choices never take an emulation")
        XCTAssertNil(FormatChoice.choose(.auto, offered: [], isUSB: true))
    }

    func testPixelFormatNames() {
        XCTAssertEqual(PixelFormat.mjpeg.description, "MJPG")
        XCTAssertEqual(PixelFormat.yuyv.description, "YUYV")
        XCTAssertEqual(PixelFormat.grey.description, "GREY")
        XCTAssertEqual(PixelFormat(rawValue: 0x2020_3859).description, "Y8", "trailing blanks dropped")
        XCTAssertEqual(PixelFormat(rawValue: 0x0102_0304).fourcc, "????")
    }

    func testStopSignal() throws {
        let signal = try StopSignal()
        XCTAssertFalse(signal.isSignalled)
        XCTAssertFalse(signal.wait(nanoseconds: 5_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.02) { signal.signal() }
        let begin = MonotonicClock.now()
        XCTAssertTrue(signal.wait(nanoseconds: 5_000_000_000))
        XCTAssertLessThan(Double(MonotonicClock.now() - begin) / 1e9, 1)
        signal.signal()
        XCTAssertTrue(signal.isSignalled, "stays raised")
    }

    func testOpenErrorsCarryOperationPathAndErrno() throws {
        XCTAssertThrowsError(try V4L2Device(path: "/nonexistent/video9")) { error in
            let e = error as? SystemCallError
            XCTAssertEqual(e?.code, ENOENT)
            XCTAssertEqual(e?.isDeviceGone, true, "a vanished by-id link means unplugged")
            XCTAssertEqual("\(error)", "open on /nonexistent/video9: No such file or directory (errno 2)")
        }
        // A node that is not V4L2 at all.
        let null = try V4L2Device(path: "/dev/null", access: .direct)
        XCTAssertThrowsError(try null.capabilities()) { error in
            XCTAssertTrue(Self.notAnIoctlHere.contains((error as? SystemCallError)?.code ?? 0), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("VIDIOC_QUERYCAP on /dev/null: "), "\(error)")
        }
        XCTAssertThrowsError(try null.formatCatalog(), "ENUM_FMT is not optional: only EINVAL ends it")
        null.close()
        null.close()
        XCTAssertEqual(null.descriptor, -1)
    }

    func testCameraStartFailuresAreCaptureErrors() throws {
        let camera = V4L2Camera(path: "/nonexistent/video9", settings: CaptureSettings(source: .v4l2))
        XCTAssertThrowsError(try camera.start()) { error in
            guard case CaptureError.system(let e) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(e.code, ENOENT)
        }
        let stop = try StopSignal()
        XCTAssertThrowsError(try camera.next(stop: stop), "not started")
        camera.stop()
    }

    func testInventoryOfADirectoryWithoutCameras() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertEqual(CameraInventory.scan(deviceDirectory: dir), CameraScan(cameras: [], otherNodes: [], failures: []))
        // Nodes that are not V4L2 devices are failures; the listing goes on past each.
        for name in ["video10", "video2", "video0", "videoX", "vbi0"] {
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data())
        }
        let scan = CameraInventory.scan(deviceDirectory: dir)
        XCTAssertEqual(scan.failures.map(\.path), ["video0", "video2", "video10"].map { dir + "/" + $0 })
        XCTAssertTrue(scan.failures.allSatisfy { note in
            Self.notAnIoctlHere.contains { note.text.hasSuffix("(errno \($0))") }
        }, "\(scan.failures)")
    }

    func testStableLinksResolveToTheirNode() throws {
        let dir = try temporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/v4l/by-id", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/v4l/by-path", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/video0", contents: Data())
        _ = FileManager.default.createFile(atPath: dir + "/video1", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: dir + "/v4l/by-id/usb-Acme_Cam-video-index0", withDestinationPath: "../../video0")
        try FileManager.default.createSymbolicLink(atPath: dir + "/v4l/by-path/pci-0000:00:14.0-usb-0:1:1.0-video-index0",
                                                   withDestinationPath: "../../video0")
        try FileManager.default.createSymbolicLink(atPath: dir + "/v4l/by-id/usb-Acme_Cam-video-index1", withDestinationPath: "../../video1")
        let links = CameraInventory.stableLinks(deviceDirectory: dir)
        XCTAssertEqual(links[CameraInventory.canonical(dir + "/video0")],
                       [dir + "/v4l/by-id/usb-Acme_Cam-video-index0", dir + "/v4l/by-path/pci-0000:00:14.0-usb-0:1:1.0-video-index0"])
        XCTAssertEqual(links[CameraInventory.canonical(dir + "/video1")], [dir + "/v4l/by-id/usb-Acme_Cam-video-index1"])
    }
}
