import Foundation
import Kernels
import PatchCore

/// Loads the expert the configuration names (`recipe.model`, `expert.*`) and checks that the
/// model fits it, so a wrong file is one clear sentence at start, never a bad verdict later.
public enum ExpertLoader {
    /// The loaded expert and the model file's identity (recorded with every part).
    public struct Loaded: Sendable {
        public let expert: PatchCoreExpert
        public let modelID: String
    }

    /// Loads the weights (`weightsPath`, or the default search) and the recipe's model, sets the
    /// kernels' threads to `expert.threads`.
    public static func load(_ config: ApplianceConfig, weightsPath: String? = nil) throws -> Loaded {
        let path = config.recipe.model
        guard FileManager.default.fileExists(atPath: path) else { throw LineError.noModel(path: path) }
        var model: PatchCoreModel
        do {
            model = try ModelFile.load(path)
        } catch let error as PatchCoreError {
            if case .modelFile(_, let reason) = error { throw LineError.unusableModel(path: path, reason: reason) }
            throw LineError.unusableModel(path: path, reason: "\(error)")
        }
        try check(model, against: config.expert, path: path)
        if let target = config.decision.falseRejectTarget {
            // A model calibrated with known defects keeps them; mean + k std gives way to the tail.
            model.calibration = model.calibration.with(model.calibration.rule.aiming(at: target))
        }
        setThreadCount(config.expert.threads)
        let network: EfficientNetLite0
        do {
            let weights = try weightsPath ?? WeightsLocation.defaultWeightsPath()
            network = try EfficientNetLite0(weights: EfficientNetLite0Weights(contentsOf: weights))
        } catch {
            throw LineError.weights("\(error)")
        }
        do {
            return Loaded(expert: try PatchCoreExpert(network: network, model: model), modelID: try ModelIdentity.of(path: path))
        } catch PatchCoreError.inputMismatch(let reason), PatchCoreError.modelFile(_, let reason) {
            // The reason alone: "input does not fit the model" would mislead when the model
            // was taught on other backbone weights, and the sentence already names the file.
            throw LineError.unusableModel(path: path, reason: reason)
        } catch {
            throw LineError.unusableModel(path: path, reason: "\(error)")
        }
    }

    /// Throws when the model was taught for another precision or input size than configured.
    static func check(_ model: PatchCoreModel, against expert: ExpertConfig, path: String) throws {
        let settings = model.settings
        if settings.precision != expert.precision {
            throw LineError.modelMismatch(
                path: path,
                reason: "it was taught in \(settings.precision.rawValue) but expert.precision is \(expert.precision.rawValue); "
                    + "set expert.precision: \(settings.precision.rawValue), or teach again with --precision \(expert.precision.rawValue)")
        }
        if settings.inputWidth != expert.inputSize || settings.inputHeight != expert.inputSize {
            throw LineError.modelMismatch(
                path: path,
                reason: "it takes \(settings.inputWidth)x\(settings.inputHeight) px input but expert.input_size is \(expert.inputSize); "
                    + "teach again with --input \(expert.inputSize)x\(expert.inputSize)"
                    + (settings.inputWidth == settings.inputHeight ? ", or set expert.input_size: \(settings.inputWidth)" : ""))
        }
    }
}
