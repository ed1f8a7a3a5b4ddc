import Inspection
import XCTest

final class DecisionRuleTests: XCTestCase {
    func testVerdictBoundaries() {
        XCTAssertEqual(Verdict(normalizedScore: 0.56, unsureBand: 0.05), .reject)
        XCTAssertEqual(Verdict(normalizedScore: 0.52, unsureBand: 0.05), .unsure)
        XCTAssertEqual(Verdict(normalizedScore: 0.45, unsureBand: 0.05), .unsure)
        XCTAssertEqual(Verdict(normalizedScore: 0.449, unsureBand: 0.05), .pass)
    }

    func testScoresAroundTheBand() {
        let rule = DecisionRule(unsureBand: 0.05, onUnsure: .reject)
        XCTAssertEqual(rule.decide(normalizedScore: 0.2), .init(verdict: .pass, reason: .belowThreshold, action: .pass))
        XCTAssertEqual(rule.decide(normalizedScore: 0.449), .init(verdict: .pass, reason: .belowThreshold, action: .pass))
        XCTAssertEqual(rule.decide(normalizedScore: 0.45), .init(verdict: .unsure, reason: .unsureBand, action: .reject))
        XCTAssertEqual(rule.decide(normalizedScore: 0.549), .init(verdict: .unsure, reason: .unsureBand, action: .reject))
        XCTAssertEqual(rule.decide(normalizedScore: 0.55), .init(verdict: .reject, reason: .aboveThreshold, action: .reject))
        XCTAssertEqual(rule.decide(normalizedScore: 1), .init(verdict: .reject, reason: .aboveThreshold, action: .reject))
    }

    func testUnsurePartsFollowTheConfiguredAction() {
        let rule = DecisionRule(unsureBand: 0.1, onUnsure: .pass)
        XCTAssertEqual(rule.decide(normalizedScore: 0.5).action, .pass)
        XCTAssertEqual(rule.decide(normalizedScore: 0.61).action, .reject, "above the band rejects whatever on_unsure says")
    }

    func testNoBandHasNoUnsureVerdict() {
        let rule = DecisionRule(unsureBand: 0)
        XCTAssertEqual(rule.decide(normalizedScore: 0.5).verdict, .reject)
        XCTAssertEqual(rule.decide(normalizedScore: 0.4999).verdict, .pass)
    }

    func testPartsNotInspectedAreRejectedUnlessConfigured() {
        for cause in NotInspectedCause.allCases {
            let failSafe = DecisionRule().notInspected(because: cause)
            XCTAssertNil(failSafe.verdict)
            XCTAssertEqual(failSafe.action, .reject, "\(cause)")
            XCTAssertFalse(failSafe.reason.isInspected, "\(cause)")
            XCTAssertEqual(DecisionRule(onNotInspected: .pass).notInspected(because: cause).action, .pass)
        }
        XCTAssertEqual(Set(NotInspectedCause.allCases.map(\.reason)).count, NotInspectedCause.allCases.count)
    }
}
