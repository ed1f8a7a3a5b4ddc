import EagleLog
import Explain
import Foundation

/// What an ``Explainer`` needs, read from the configuration: the endpoint and key, the prompt's
/// settings (with the recipe's knowledge file), the queueing and retry options, and the good
/// parts kept with the model as references. Shared by the line and `eagle-edge explain`.
public struct ExplainSetup: Sendable {
    /// Nil when `mllm.endpoint` is not set (only a dry run can go on without it).
    public var endpoint: ChatEndpoint?
    public var settings: PromptSettings
    public var options: ExplainerOptions
    public var references: ReferenceSet?

    /// - Parameter model: the model name to ask, instead of `mllm.model`.
    public init(config: ApplianceConfig, model: String? = nil, logger: Logger) throws {
        let mllm = config.mllm
        guard let name = model ?? mllm.model else { throw ExplainSetupError.noModel }
        var knowledge: ProductKnowledge?
        if let path = config.recipe.knowledge {
            do {
                knowledge = try ProductKnowledge(contentsOf: path)
            } catch {
                throw ExplainSetupError.knowledge(path: path, reason: "\(error.localizedDescription)")
            }
        }
        endpoint = mllm.endpoint.map { ChatEndpoint(baseURL: $0.absoluteString, apiKey: mllm.apiKey?.revealed) }
        settings = PromptSettings(model: name, product: config.recipe.name, imageSize: mllm.imageSize,
                                  jpegQuality: mllm.jpegQuality, maxTokens: mllm.maxTokens, knowledge: knowledge)
        options = ExplainerOptions(verdicts: Set(mllm.explain), queueCapacity: mllm.queue, concurrency: mllm.concurrency,
                                   timeout: Double(mllm.timeoutS), retries: mllm.retries, breakerFailures: mllm.breakerFailures,
                                   breakerPause: Double(mllm.breakerPauseS))
        if mllm.reference {
            let directory = ReferenceSet.directory(forModel: config.recipe.model)
            do {
                references = try ReferenceSet.load(directory: directory)
            } catch {
                // A damaged reference costs the explanation its comparison, not the line its explainer.
                logger.warning("reference images cannot be read; explaining without them",
                               ["directory": directory, "error": "\(error)"])
            }
        }
    }
}

/// Why the explainer cannot be set up from the configuration.
public enum ExplainSetupError: Error, Equatable, CustomStringConvertible {
    case noEndpoint
    case noModel
    case knowledge(path: String, reason: String)

    public var description: String {
        switch self {
        case .noEndpoint: "mllm.endpoint is not set: give the API's base URL (e.g. https://llm.example.com/v1)"
        case .noModel: "mllm.model is not set: name the model to ask"
        case .knowledge(let path, let reason): "the product knowledge file \(path) (recipe.knowledge) cannot be read: \(reason)"
        }
    }
}
