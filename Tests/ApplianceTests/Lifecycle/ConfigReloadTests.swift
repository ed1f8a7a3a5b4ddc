import XCTest
@testable import Appliance

final class ConfigReloadTests: XCTestCase {
    func testDecisionAppliesAndTheRestWaitsForARestart() {
        let running = ApplianceConfig()
        var reloaded = running
        XCTAssertEqual(ConfigReload(running: running, reloaded: reloaded, current: running.decision).description,
                       "configuration reloaded: nothing changed")
        reloaded.decision.unsureBand = 0.1
        var reload = ConfigReload(running: running, reloaded: reloaded, current: running.decision)
        XCTAssertEqual(reload.applied, ["decision"])
        XCTAssertEqual(reload.needsRestart, [])
        reloaded.camera.fps = 15
        reloaded.mqtt.port = 8883
        reload = ConfigReload(running: running, reloaded: reloaded, current: running.decision)
        XCTAssertEqual(reload.needsRestart, ["camera", "mqtt"])
        XCTAssertEqual(reload.description, "configuration reloaded: decision applied; camera, mqtt changed and take effect after a restart")
        XCTAssertEqual(ConfigReload(running: running, reloaded: reloaded, current: reloaded.decision).applied, [],
                       "a decision already in force is not applied again")
    }
}
