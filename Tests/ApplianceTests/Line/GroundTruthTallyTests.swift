import Capture
import Foundation
import Inspection
import XCTest
@testable import Appliance

final class GroundTruthTallyTests: XCTestCase {
    private func part(_ action: PartAction, verdict: Verdict?) -> Part {
        Part(id: PartID(rawValue: 1), frame: nil, decidedAt: Date(), recipe: "demo", modelID: nil, score: nil,
             normalizedScore: nil, verdict: verdict, reason: verdict == nil ? .overBudget : .aboveThreshold, action: action)
    }

    func testEscapesFalseRejectsAndUnseenParts() {
        var tally = GroundTruthTally()
        tally.add(part(.pass, verdict: .pass), truth: PartTruth(partNumber: 10, defect: nil, defectBox: nil))
        tally.add(part(.reject, verdict: .reject), truth: PartTruth(partNumber: 11, defect: .dent, defectBox: nil))
        tally.add(part(.pass, verdict: .pass), truth: PartTruth(partNumber: 12, defect: .scratch, defectBox: nil))
        tally.add(part(.reject, verdict: .unsure), truth: PartTruth(partNumber: 15, defect: nil, defectBox: nil))
        tally.add(part(.reject, verdict: nil), truth: PartTruth(partNumber: 16, defect: nil, defectBox: nil))
        tally.add(part(.pass, verdict: .pass), truth: nil) // a camera frame: nothing to compare
        XCTAssertEqual(tally.good, 3)
        XCTAssertEqual(tally.defective, 2)
        XCTAssertEqual(tally.escapes, 1)
        XCTAssertEqual(tally.escapesByKind, [.scratch: 1])
        XCTAssertEqual(tally.falseRejects, 2, "the unsure and the fail-safe reject of good parts")
        XCTAssertEqual(tally.unsure, 1)
        XCTAssertEqual(tally.unseen, 2, "parts 13 and 14 never reached the expert")
        XCTAssertTrue(tally.text.contains("1 of 2 defective parts passed (50.0 %): scratch 1"), tally.text)
    }
}
