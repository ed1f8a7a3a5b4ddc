import Actuate
import XCTest

@testable import Appliance

/// `reject.*` and `line.trigger` as the scheduler's policy.
final class RejectPolicyConfigTests: XCTestCase {
    func testDelayTimingAndFailSafeDefaults() throws {
        let config = try parse("reject:\n  enabled: true\n  delay_ms: 350\n  pulse_ms: 20\n")
        let policy = RejectPolicy(config.reject, trigger: config.line.trigger)
        XCTAssertEqual(policy.timing, .delay(nanoseconds: 350_000_000))
        XCTAssertEqual(policy.pulseNanoseconds, 20_000_000)
        XCTAssertEqual(policy.onUndecided, .reject)
        XCTAssertTrue(policy.rejectWhileFaulted)
        XCTAssertTrue(policy.holdWhileFaulted, "free running: parts passing during a fault have no record, so the output holds")
        XCTAssertNil(policy.confirmNanoseconds)
    }

    func testPhotoEyePartsAreRejectedOneByOneDuringAFault() throws {
        let config = try parse("""
            line:
              trigger: photo_eye
            reject:
              timing: encoder
              encoder_counts: 900
              photo_eye: {chip: eagle-virtual, line: PHOTO_EYE}
              encoder: {chip: eagle-virtual, line: ENCODER_A, bias: pull_down, debounce_us: 50}
              confirm: {chip: eagle-virtual, line: SPARE, active_low: true}
              confirm_ms: 70
              on_undecided: pass
            """)
        let policy = RejectPolicy(config.reject, trigger: config.line.trigger)
        XCTAssertEqual(policy.timing, .encoder(counts: 900))
        XCTAssertFalse(policy.holdWhileFaulted)
        XCTAssertEqual(policy.onUndecided, .pass)
        XCTAssertEqual(policy.confirmNanoseconds, 70_000_000)
        XCTAssertEqual(config.reject.encoder?.bias, .pullDown)
        XCTAssertEqual(config.reject.encoder?.debounceUs, 50)
    }

    func testAPhotoEyeTriggerNeedsAPhotoEye() {
        let found = issues("line:\n  trigger: photo_eye\n")
        XCTAssertTrue(found.contains { $0.path == "reject.photo_eye" && $0.message.contains("line.trigger is photo_eye") }, "\(found)")
    }

    func testTheReadyLineMustDifferFromTheRejectOutput() {
        let found = issues("reject:\n  ready: {chip: pinctrl-rp1, line: GPIO17}\n")
        XCTAssertTrue(found.contains { $0.path == "reject.ready" }, "\(found)")
    }
}
