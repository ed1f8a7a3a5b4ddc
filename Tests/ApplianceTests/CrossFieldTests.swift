import XCTest

@testable import Appliance

/// Checks that need more than one key.
final class CrossFieldTests: XCTestCase {
    func testV4L2NeedsADevice() {
        XCTAssertEqual(issues("camera:\n  source: v4l2\n").map(\.description), [
            "line 2: camera.device: missing; camera.source is v4l2, so name the camera's device node"
                + " (e.g. /dev/v4l/by-id/usb-...-video-index0, which survives replugging)",
        ])
    }

    func testFolderSourceNeedsAFolder() {
        XCTAssertEqual(issues("camera:\n  source: folder\n").messages, [
            "camera.folder: missing; camera.source is folder, so name the directory of images to replay",
        ])
    }

    func testEncoderTimingNeedsAnEncoder() {
        XCTAssertEqual(issues("reject:\n  timing: encoder\n").messages, [
            "reject.encoder: missing; reject.timing is encoder, so give the encoder input's chip and line",
        ])
    }

    func testEnabledMLLMNeedsAnEndpointAndAModel() {
        XCTAssertEqual(issues("mllm:\n  enabled: true\n").messages, [
            "mllm.endpoint: missing; mllm.enabled is true, so give the API's base URL (e.g. https://llm.example.com/v1)",
            "mllm.model: missing; mllm.enabled is true, so name the model to ask",
        ])
    }

    func testRegionMustFitInTheFrame() {
        XCTAssertEqual(issues("camera: {width: 640, height: 480}\nrecipe:\n  roi: {x: 600, y: 0, width: 100, height: 500}\n").messages, [
            "recipe.roi: x 600 + width 100 = 700 reaches past camera.width 640",
            "recipe.roi: y 0 + height 500 = 500 reaches past camera.height 480",
        ])
    }

    func testDelayMustCoverTheDecisionBudget() {
        XCTAssertEqual(issues("decision:\n  budget_ms: 200\nreject:\n  enabled: true\n  delay_ms: 150\n").messages, [
            "reject.delay_ms: 150 ms is shorter than decision.budget_ms (200 ms), so a part could pass the actuator"
                + " before its verdict is due",
        ])
        XCTAssertNoThrow(try parse("decision:\n  budget_ms: 200\nreject:\n  delay_ms: 150\n"), "a disabled actuator has no timing")
    }

    func testPhotoEyeDelayMustCoverTheFramesOffsetToo() {
        let line = "line:\n  trigger: photo_eye\n  photo_eye_offset_ms: 400\ndecision:\n  budget_ms: 200\n"
        let reject = "reject:\n  enabled: true\n  photo_eye: {chip: eagle-virtual, line: PHOTO_EYE}\n"
        XCTAssertEqual(issues(line + reject + "  delay_ms: 500\n").messages, [
            "reject.delay_ms: 500 ms is shorter than line.photo_eye_offset_ms (400 ms) plus decision.budget_ms (200 ms),"
                + " so a part could pass the actuator before its verdict is due",
        ])
        XCTAssertNoThrow(try parse(line + reject + "  delay_ms: 600\n"))
        XCTAssertNoThrow(try parse(line + reject + "  delay_ms: 500\n  timing: encoder\n  encoder: {chip: eagle-virtual, line: ENCODER_A}\n"),
                         "the encoder's travel has no time to compare")
    }

    func testSignalsNeedTheirOwnLines() {
        XCTAssertEqual(issues("reject:\n  photo_eye: {chip: pinctrl-rp1, line: GPIO17}\n").messages, [
            "reject.photo_eye: uses the same GPIO line as reject.gpio (chip pinctrl-rp1, line GPIO17); each signal needs its own line",
        ])
    }

    func testPasswordNeedsAUserName() {
        XCTAssertEqual(issues("mqtt:\n  password_env: PW\n", environment: ["PW": "x"]).messages, [
            "mqtt.username: missing; a password is set and MQTT sends a password only together with a user name",
        ])
    }

    func testCrossChecksStayQuietWhenAnInvolvedKeyIsAlreadyWrong() {
        XCTAssertEqual(issues("camera:\n  width: wide\nrecipe:\n  roi: {x: 600, y: 0, width: 100, height: 100}\n").messages, [
            "camera.width: expected an integer, found \"wide\"",
        ])
    }
}
