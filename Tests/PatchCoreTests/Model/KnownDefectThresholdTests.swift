import SeededRandom
import XCTest
@testable import PatchCore

final class KnownDefectThresholdTests: XCTestCase {
    func testTheThresholdGoesHalfwayToTheWeakestCatchableDefect() {
        XCTAssertEqual(KnownDefectThreshold.place(floor: 10, defectScores: [30, 14, 50]), 12, "halfway from 10 to 14")
        XCTAssertEqual(KnownDefectThreshold.place(floor: 10, defectScores: [6, 9.5, 20]), 15,
                       "defects below the floor cannot be caught within the target and do not pull the threshold down")
        XCTAssertEqual(KnownDefectThreshold.place(floor: 10, defectScores: [3, 4]), 10, "none catchable: the target's own threshold")
        XCTAssertEqual(KnownDefectThreshold.place(floor: 10, defectScores: []), 10)
    }

    /// The rule's floor is the good parts' Pareto-tail threshold at the target, so the known
    /// defects only ever raise the threshold, never past the weakest one caught.
    func testTheRuleStaysWithinTheTargetAndCatchesEveryCatchableKnownDefect() {
        var random = SplitMix64(seed: 3)
        let good = (0..<200).map { _ in Float(10 + random.nextGaussian()) }
        let tail = Calibration(heldOutScores: good, rule: .paretoTail(falseRejectTarget: 0.02))
        let defects: [Float] = [11, Float(tail.threshold) + 1.5, Float(tail.threshold) + 4]
        let known = tail.with(.knownDefects(falseRejectTarget: 0.02, defectScores: defects))
        XCTAssertEqual(known.threshold, tail.threshold + 0.75, accuracy: 1e-5)
        XCTAssertLessThanOrEqual(known.heldOutFalseRejectRate, tail.heldOutFalseRejectRate)
        XCTAssertEqual(known.rule.description, "2 % Pareto tail and 3 known defects")
        XCTAssertEqual(known.rule.aiming(at: 0.05), .knownDefects(falseRejectTarget: 0.05, defectScores: defects),
                       "another target keeps the defects")
        XCTAssertEqual(ThresholdRule.sigmas(3).aiming(at: 0.05), .paretoTail(falseRejectTarget: 0.05))
    }

    /// Defects spread well above the good parts: a threshold set from a few of them already
    /// catches the others; defects overlapping the good tail need more of them before the
    /// left-out escape settles.
    func testStabilityTellsHowManyKnownDefectsTheThresholdNeeds() throws {
        var random = SplitMix64(seed: 8)
        let good = (0..<200).map { _ in Float(10 + random.nextGaussian()) }
        let clear = (0..<30).map { _ in Float(20 + 2 * random.nextGaussian()) }
        let rows = KnownDefectThreshold.stability(goodScores: good, defectScores: clear, falseRejectTarget: 0.02,
                                                  sizes: [1, 2, 5, 10, 20, 40], draws: 100)
        XCTAssertEqual(rows.map(\.size), [1, 2, 5, 10, 20], "only sizes that leave defects out")
        XCTAssertTrue(rows.allSatisfy { $0.worstEscape >= $0.medianEscape })
        XCTAssertGreaterThan(rows[0].worstEscape, rows[4].worstEscape, "one known defect sets the threshold too high at times")
        let stable = try XCTUnwrap(KnownDefectThreshold.stableSize(rows))
        XCTAssertLessThanOrEqual(stable, 20)
        XCTAssertNil(KnownDefectThreshold.stableSize([]))
    }
}
