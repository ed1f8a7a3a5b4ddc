import Foundation
import Yams

/// The remote multimodal LLM that explains flagged parts (`mllm.*`).
///
/// It never decides: the expert's verdict is final before a request is even queued.
public struct MLLMConfig: Sendable, Equatable {
    /// Whether flagged frames are sent for an explanation.
    public var enabled: Bool
    /// Base URL of the OpenAI-compatible API (e.g. `https://llm.example.com/v1`); the client
    /// appends `/chat/completions`.
    public var endpoint: URL?
    /// Model name sent in each request.
    public var model: String?
    /// API key, from `api_key_file` or `api_key_env`; nil sends no Authorization header.
    public var apiKey: Secret?
    /// Time allowed for one request, in seconds.
    public var timeoutS: Int
    /// Requests in flight at once.
    public var maxConcurrent: Int
    /// Flagged frames waiting for a request slot; beyond this the oldest are dropped unexplained.
    public var maxQueue: Int
    /// Upper bound on the length of one explanation, in tokens.
    public var maxTokens: Int

    /// Disabled; once enabled, one request at a time with a short queue.
    public init(
        enabled: Bool = false,
        endpoint: URL? = nil,
        model: String? = nil,
        apiKey: Secret? = nil,
        timeoutS: Int = 30,
        maxConcurrent: Int = 1,
        maxQueue: Int = 16,
        maxTokens: Int = 256
    ) {
        self.enabled = enabled
        self.endpoint = endpoint
        self.model = model
        self.apiKey = apiKey
        self.timeoutS = timeoutS
        self.maxConcurrent = maxConcurrent
        self.maxQueue = maxQueue
        self.maxTokens = maxTokens
    }
}

extension MLLMConfig {
    static func read(_ section: SectionReader) -> MLLMConfig {
        let defaults = MLLMConfig()
        return MLLMConfig(
            enabled: section.value("enabled", default: defaults.enabled, .boolean),
            endpoint: section.optional("endpoint", .httpURL),
            model: section.optional("model", .text),
            apiKey: section.secret("api_key"),
            timeoutS: section.value("timeout_s", default: defaults.timeoutS, .integer(in: 1...600)),
            maxConcurrent: section.value("max_concurrent", default: defaults.maxConcurrent, .integer(in: 1...16)),
            maxQueue: section.value("max_queue", default: defaults.maxQueue, .integer(in: 1...10_000)),
            maxTokens: section.value("max_tokens", default: defaults.maxTokens, .integer(in: 1...32_768))
        )
    }
}

extension Conversion where T == URL {
    /// An http or https URL with a host.
    static var httpURL: Conversion<URL> {
        Conversion<String>.text.flatMap { text in
            // Checked before anything echoes the text: user:password@ would be a secret in the file.
            if let url = URL(string: text), url.user != nil || url.password != nil {
                return .failure(Rejection(problem: "must not carry credentials (user:password@); give the key with"
                    + " an api_key_file or api_key_env key (the value is not shown)"))
            }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
            else {
                return .failure(Rejection(problem: "\(Node.quoted(text)) is not an http or https URL with a host"
                    + " (e.g. https://llm.example.com/v1)"))
            }
            return .success(url)
        }
    }
}
