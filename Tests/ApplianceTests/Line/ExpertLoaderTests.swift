import Foundation
import PatchCore
import TestFixtures
import XCTest
@testable import Appliance

/// The recipe's false-reject target sets the threshold the line decides by.
final class ExpertLoaderTests: XCTestCase {
    /// The tiny expert's model with 40 out-of-bank scores 1...40, saved, and a configuration
    /// that loads it.
    private func saved(target: Double?) throws -> ApplianceConfig {
        var model = try TinyExpert.shared.get().model
        model.calibration = Calibration(heldOutScores: (1...40).map(Float.init), sigmas: model.settings.thresholdSigmas)
        let path = try temporaryDirectory(for: self).appendingPathComponent("tiny.eagle").path
        try ModelFile.save(model, to: path)
        var config = ApplianceConfig()
        config.recipe.model = path
        config.expert.precision = .fp32
        config.expert.inputSize = 64
        config.decision.falseRejectTarget = target
        return config
    }

    func testWithoutATargetTheTaughtThresholdHolds() throws {
        let loaded = try ExpertLoader.load(try saved(target: nil))
        XCTAssertEqual(loaded.expert.model.calibration.rule, .sigmas(1))
        XCTAssertEqual(loaded.expert.model.calibration.threshold, 20.5 + 11.69045, accuracy: 1e-4)
    }

    func testATargetFitsTheThresholdToTheOutOfBankScores() throws {
        let loose = try ExpertLoader.load(try saved(target: 0.1)).expert.model.calibration
        let strict = try ExpertLoader.load(try saved(target: 0.01)).expert.model.calibration
        XCTAssertEqual(loose.rule, .paretoTail(falseRejectTarget: 0.1))
        // 4 of 40 scores lie above the 10 % threshold (37 and beyond): the fitted tail agrees
        // with the scores where they are dense; the 1 % one lies about the highest score, 40,
        // where the flat tail of evenly spaced scores ends.
        XCTAssertEqual(loose.threshold, 36.1, accuracy: 1.0)
        XCTAssertGreaterThan(strict.threshold, loose.threshold)
        XCTAssertEqual(strict.threshold, 40, accuracy: 1.0)
        XCTAssertEqual(strict.normalized(strict.threshold), 0.5)
    }
}
