import CV4L2
import Foundation
import XCTest
@testable import Capture

/// `eagle-edge cameras` without a camera: a scan made up of what a UVC camera reports.
final class CameraListingTests: XCTestCase {
    private func control(_ id: UInt32, _ name: String, _ kind: V4L2Control.Kind, min: Int64 = 0, max: Int64 = 0, step: UInt64 = 0,
                         default value: Int64 = 0, current: Int64? = nil, flags: V4L2Control.Flags = [],
                         menu: [(Int64, String)] = []) -> V4L2Control {
        V4L2Control(id: id, name: name, key: V4L2Control.key(forName: name), kind: kind, minimum: min, maximum: max, step: step,
                    defaultValue: value, flags: flags, menu: menu.map { .init(index: $0.0, label: $0.1) }, value: current)
    }

    private func scan() -> CameraScan {
        let second = V4L2FrameInterval.Fraction(numerator: 1, denominator: 1), thirtieth = V4L2FrameInterval.Fraction(numerator: 1, denominator: 30)
        let camera = CameraDescription(
            path: "/dev/video0",
            capabilities: V4L2Capabilities(driver: "uvcvideo", card: "USB Camera", busInfo: "usb-0000:00:14.0-1", version: "6.1.0",
                                           deviceCaps: UInt32(bitPattern: V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING)),
            stableLinks: ["/dev/v4l/by-id/usb-Cam-video-index0"],
            inputs: [.init(index: 0, name: "Camera 1", type: "camera", status: ["no signal"])],
            currentInput: 0,
            currentFormat: .init(format: .mjpeg, width: 640, height: 480),
            currentFramesPerSecond: 30,
            formats: [
                V4L2FormatDescription(index: 0, pixelFormat: .mjpeg, name: "Motion-JPEG", isCompressed: true, isEmulated: false, sizes: [
                    V4L2FrameSize(kind: .discrete(width: 640, height: 480), intervals: [.discrete(thirtieth)]),
                ]),
                V4L2FormatDescription(index: 1, pixelFormat: .yuyv, name: "YUYV 4:2:2", isCompressed: false, isEmulated: false, sizes: [
                    V4L2FrameSize(kind: .stepwise(minWidth: 16, maxWidth: 1920, stepWidth: 2, minHeight: 16, maxHeight: 1080, stepHeight: 2),
                                  intervals: [.stepwise(min: thirtieth, max: second, step: thirtieth)]),
                ]),
                V4L2FormatDescription(index: 2, pixelFormat: .rgb24, name: "RGB3", isCompressed: false, isEmulated: false, sizes: []),
            ],
            controls: [
                control(0x0098_0001, "User Controls", .controlClass),
                control(0x0098_0900, "Brightness", .integer, min: -64, max: 64, step: 1, current: 10),
                control(0x0098_0918, "Power Line Frequency", .menu, max: 2, default: 1, current: 1,
                        menu: [(0, "Disabled"), (1, "50 Hz"), (2, "60 Hz")]),
                control(0x009a_0901, "Test Bits", .bitmask, max: 0xFF, default: 0x0F, current: 0x30, flags: .inactive),
            ])
        return CameraScan(cameras: [camera], otherNodes: [.init(path: "/dev/video1", text: "USB Camera (uvcvideo): metadata-capture")],
                          failures: [.init(path: "/dev/video2", text: "VIDIOC_QUERYCAP: Permission denied")])
    }

    func testTheTextIsLaidOutLikeV4L2Ctl() {
        XCTAssertEqual(CameraListingText.render(scan()).split(separator: "\n", omittingEmptySubsequences: false), [
            "/dev/video0: USB Camera",
            "  driver: uvcvideo 6.1.0, bus: usb-0000:00:14.0-1",
            "  capabilities: video-capture, streaming",
            "  stable ids:",
            "    /dev/v4l/by-id/usb-Cam-video-index0",
            "  input 0: Camera 1 (camera, no signal, current)",
            "  format in force: MJPG 640x480 at 30.000 fps",
            "  formats:",
            "    [0]: 'MJPG' (Motion-JPEG, compressed)",
            "        Size: Discrete 640x480",
            "            Interval: Discrete 0.033s (30.000 fps)",
            "    [1]: 'YUYV' (YUYV 4:2:2)",
            "        Size: Stepwise 16x16 - 1920x1080 with step 2/2",
            "            Interval: Stepwise 0.033s - 1.000s with step 0.033s (1.000-30.000 fps)",
            "    [2]: 'RGB3' (RGB3)",
            "        Size: set by the input signal (no size enumeration)",
            "  controls:",
            "",
            "    User Controls",
            "",
            "                       brightness 0x00980900 (int)     : min=-64 max=64 step=1 default=0 value=10",
            "             power_line_frequency 0x00980918 (menu)    : min=0 max=2 default=1 value=1 (50 Hz)",
            "\t\t\t\t0: Disabled",
            "\t\t\t\t1: 50 Hz",
            "\t\t\t\t2: 60 Hz",
            "                        test_bits 0x009a0901 (bitmask) : max=0x000000ff default=0x0000000f value=0x00000030 flags=inactive",
            "",
            "skipped /dev/video1: not a capture device: USB Camera (uvcvideo): metadata-capture",
            "",
        ])
    }

    func testWithoutStableLinksTheTextSaysWhereToLook() {
        var scan = scan()
        scan.cameras[0].stableLinks = []
        XCTAssertTrue(CameraListingText.render(scan).contains("  stable ids: none (no /dev/v4l links; is udev running?)\n"))
    }

    func testTheJSONCarriesTheSameFactsAndNullsForWhatIsUnknown() throws {
        var unknown = scan()
        unknown.cameras[0].currentInput = nil
        unknown.cameras[0].currentFormat = nil
        let top = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try CameraListingJSON.render(scan()).utf8)) as? [String: Any])
        XCTAssertEqual(top["other_nodes"] as? [[String: String]], [["path": "/dev/video1", "description": "USB Camera (uvcvideo): metadata-capture"]])
        XCTAssertEqual(top["errors"] as? [[String: String]], [["path": "/dev/video2", "error": "VIDIOC_QUERYCAP: Permission denied"]])
        let camera = try XCTUnwrap((top["cameras"] as? [[String: Any]])?.first)
        XCTAssertEqual(camera["path"] as? String, "/dev/video0")
        XCTAssertEqual(camera["card"] as? String, "USB Camera")
        XCTAssertEqual(camera["driver_version"] as? String, "6.1.0")
        XCTAssertEqual(camera["capabilities"] as? [String], ["video-capture", "streaming"])
        XCTAssertEqual(camera["stable_ids"] as? [String], ["/dev/v4l/by-id/usb-Cam-video-index0"])
        XCTAssertEqual(camera["current_input"] as? Int, 0)
        let format = try XCTUnwrap(camera["current_format"] as? [String: Any])
        XCTAssertEqual(format["fourcc"] as? String, "MJPG")
        XCTAssertEqual(format["fps"] as? Double, 30)

        let formats = try XCTUnwrap(camera["formats"] as? [[String: Any]])
        XCTAssertEqual(formats.map { $0["fourcc"] as? String }, ["MJPG", "YUYV", "RGB3"])
        let stepwise = try XCTUnwrap((formats[1]["sizes"] as? [[String: Any]])?.first)
        XCTAssertEqual(stepwise["type"] as? String, "stepwise")
        XCTAssertEqual([stepwise["min_width"], stepwise["max_height"], stepwise["step_width"]].map { $0 as? Int }, [16, 1080, 2])
        let interval = try XCTUnwrap((stepwise["intervals"] as? [[String: Any]])?.first)
        XCTAssertEqual((interval["max"] as? [String: Any])?["fps"] as? Double, 1)
        XCTAssertEqual((interval["min"] as? [String: Any])?["denominator"] as? Int, 30)

        let controls = try XCTUnwrap(camera["controls"] as? [[String: Any]])
        XCTAssertEqual(controls.map { $0["name"] as? String }, ["brightness", "power_line_frequency", "test_bits"], "class headings are left out")
        XCTAssertEqual(controls[0]["value"] as? Int, 10)
        XCTAssertEqual(controls[0]["type"] as? String, "int")
        XCTAssertEqual((controls[1]["menu"] as? [[String: Any]])?.map { $0["label"] as? String }, ["Disabled", "50 Hz", "60 Hz"])
        XCTAssertEqual(controls[2]["flags"] as? [String], ["inactive"])

        let unknownTop = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try CameraListingJSON.render(unknown).utf8)) as? [String: Any])
        let unknownCamera = try XCTUnwrap((unknownTop["cameras"] as? [[String: Any]])?.first)
        XCTAssertTrue(unknownCamera["current_input"] is NSNull)
        XCTAssertTrue(unknownCamera["current_format"] is NSNull)
    }
}
