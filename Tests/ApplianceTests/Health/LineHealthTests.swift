import Capture
import XCTest
@testable import Appliance

final class LineHealthTests: XCTestCase {
    func testTheWorstComponentIsTheOverallState() {
        let well = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil)
        XCTAssertEqual(well.overall, .ok)
        XCTAssertEqual(well.problems, "")
        let retrying = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: "disk full")
        XCTAssertEqual(retrying.overall, .degraded, "a journal retrying its disk loses no decision")
        XCTAssertEqual(retrying.problems, "journal degraded (disk full)")
        let blind = LineHealth(camera: .cameraLost(reason: "ENODEV"), expertFailure: nil, journalProblem: "disk full")
        XCTAssertEqual(blind.overall, .failed)
        XCTAssertEqual(blind.problems, "camera failed (camera_lost (ENODEV)), journal degraded (disk full)")
        XCTAssertEqual(LineHealth(camera: .starting, expertFailure: "bad model", journalProblem: nil).components.map(\.state),
                       [.ok, .failed, .ok, .ok])
        XCTAssertEqual(LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil, archiveProblem: "disk full").overall,
                       .degraded, "a line that cannot keep images still decides")
    }

    func testAnActuatorThatDidNotActFailsTheLineSoReadyDrops() {
        var health = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil)
        health.addActuator(alarm: nil)
        XCTAssertEqual(health.overall, .ok)
        health = LineHealth(camera: .streaming, expertFailure: nil, journalProblem: nil)
        health.addActuator(alarm: "the reject actuator did not act")
        XCTAssertEqual(health.overall, .failed, "bad parts may pass: the PLC must see ready drop")
        XCTAssertEqual(health.problems, "actuator failed (the reject actuator did not act)")
    }
}
