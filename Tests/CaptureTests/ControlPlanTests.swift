import XCTest
@testable import Capture

final class ControlPlanTests: XCTestCase {
    func testKeysFollowV4L2CtlNaming() {
        XCTAssertEqual(V4L2Control.key(forName: "Exposure Time, Absolute"), "exposure_time_absolute")
        XCTAssertEqual(V4L2Control.key(forName: "White Balance Temperature"), "white_balance_temperature")
        XCTAssertEqual(V4L2Control.key(forName: "  Auto Exposure  "), "auto_exposure")
        XCTAssertEqual(V4L2Control.key(forName: "Power Line Frequency"), "power_line_frequency")
        XCTAssertEqual(V4L2Control.key(forName: "Test Pattern (0-3)"), "test_pattern_0_3")
        XCTAssertEqual(V4L2Control.key(forName: "OSD Text Mode"), "osd_text_mode")
    }

    private func control(_ name: String, _ kind: V4L2Control.Kind, _ range: ClosedRange<Int64>, step: UInt64 = 1,
                         menu: [Int64] = [], flags: V4L2Control.Flags = []) -> V4L2Control {
        V4L2Control(id: UInt32(0x0098_0900 + name.count), name: name, key: V4L2Control.key(forName: name), kind: kind,
                    minimum: range.lowerBound, maximum: range.upperBound, step: step, defaultValue: range.lowerBound,
                    flags: flags, menu: menu.map { .init(index: $0, label: "mode \($0)") }, value: range.lowerBound)
    }

    func testPlanOrdersModesFirstAndRejectsBadRequestsWithoutFailing() {
        let controls = [
            control("User Controls", .controlClass, 0...0),
            control("Brightness", .integer, -64...64),
            control("Exposure Time, Absolute", .integer, 1...5000),
            control("Auto Exposure", .menu, 0...3, menu: [1, 3]),
            control("White Balance, Automatic", .boolean, 0...1),
            control("Pixel Rate", .integer64, 0...1_000_000_000, flags: .readOnly),
            control("Restore Defaults", .button, 0...0),
        ]
        let plan = ControlPlan(requests: [
            "exposure_time_absolute": 100, "auto_exposure": 1, "white_balance_automatic": 0,
            "Brightness": 10, "gain": 4, "auto_exposure_bias": 1,
        ], controls: controls)
        XCTAssertEqual(plan.writes.map(\.key), ["auto_exposure", "white_balance_automatic", "Brightness", "exposure_time_absolute"])
        XCTAssertEqual(plan.rejected.map(\.key), ["auto_exposure_bias", "gain"])
        guard case .unknown(let available) = plan.rejected[1].result else { return XCTFail("\(plan.rejected)") }
        XCTAssertTrue(available.contains("exposure_time_absolute"))
        XCTAssertFalse(available.contains("user_controls"), "class headings are not controls")
        XCTAssertTrue(plan.rejected[1].description.contains("gain: no such control on this camera"), plan.rejected[1].description)

        let bad = ControlPlan(requests: [
            "brightness": 65, "auto_exposure": 2, "pixel_rate": 5, "restore_defaults": 1, "exposure_time_absolute": 0,
        ], controls: controls)
        XCTAssertTrue(bad.writes.isEmpty, "\(bad.writes.map(\.key))")
        let byKey = Dictionary(uniqueKeysWithValues: bad.rejected.map { ($0.key, $0) })
        XCTAssertEqual(byKey["brightness"]?.result, .outOfRange(minimum: -64, maximum: 64, allowed: []))
        XCTAssertEqual(byKey["auto_exposure"]?.result, .outOfRange(minimum: 0, maximum: 3, allowed: [1, 3]), "2 is not a menu entry")
        XCTAssertEqual(byKey["pixel_rate"]?.result, .notSettable("read-only"))
        XCTAssertEqual(byKey["restore_defaults"]?.result, .notSettable("a button control"))
        XCTAssertEqual(byKey["brightness"]?.description,
                       "brightness=65 is out of range (allowed -64...64); camera's own value kept")
    }

    func testBitmasksAcceptOnlyBitsOfTheirMask() {
        let mask = control("Event Mask", .bitmask, 0...0x8000_2010)
        XCTAssertTrue(mask.accepts(0))
        XCTAssertTrue(mask.accepts(0x8000_0010), "above Int32.max: a flag bit, not an overflow")
        XCTAssertFalse(mask.accepts(0x20), "inside 0...max but not a bit of the mask")
        XCTAssertFalse(mask.accepts(-1))
        XCTAssertEqual(V4L2Control.Kind(0x0102).description, "u32")
        XCTAssertEqual(V4L2Control.Kind(0x0999).description, "type 2457")
    }
}
