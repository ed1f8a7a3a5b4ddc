import Foundation
import Inspection
import Yams

/// The remote multimodal LLM that explains flagged parts (`mllm.*`; docs/explanations.md).
///
/// It never decides: the expert's verdict is final before a request is even queued.
public struct MLLMConfig: Sendable, Equatable {
    /// Whether flagged parts are sent for an explanation.
    public var enabled: Bool
    /// Base URL of the OpenAI-compatible API (e.g. `https://llm.example.com/v1`); the client
    /// appends `/chat/completions`.
    public var endpoint: URL?
    /// Model name sent in each request.
    public var model: String?
    /// API key, from `api_key_file` or `api_key_env`; nil sends no Authorization header.
    public var apiKey: Secret?
    /// The verdicts explained: reject, unsure or both.
    public var explain: [Verdict]
    /// Time allowed for one request, in seconds.
    public var timeoutS: Int
    /// Further attempts after a retryable failure.
    public var retries: Int
    /// Requests in flight at once.
    public var concurrency: Int
    /// Flagged parts waiting for a request; beyond this the oldest are dropped unexplained.
    public var queue: Int
    /// Upper bound on the length of one explanation, in tokens.
    public var maxTokens: Int
    /// Longer side of the images sent, in pixels.
    public var imageSize: Int
    /// JPEG quality of the images sent.
    public var jpegQuality: Int
    /// Whether a good part kept with the model (`<model>.refs/`) is sent as a normal reference.
    public var reference: Bool
    /// Failed requests in a row that pause calls to the endpoint (circuit open).
    public var breakerFailures: Int
    /// Seconds the endpoint is left alone before a probe; doubled after a failed probe.
    public var breakerPauseS: Int

    /// Disabled; once enabled, one request at a time with a short queue.
    public init(
        enabled: Bool = false,
        endpoint: URL? = nil,
        model: String? = nil,
        apiKey: Secret? = nil,
        explain: [Verdict] = [.reject, .unsure],
        timeoutS: Int = 30,
        retries: Int = 2,
        concurrency: Int = 1,
        queue: Int = 16,
        maxTokens: Int = 400,
        imageSize: Int = 448,
        jpegQuality: Int = 85,
        reference: Bool = true,
        breakerFailures: Int = 5,
        breakerPauseS: Int = 30
    ) {
        self.enabled = enabled
        self.endpoint = endpoint
        self.model = model
        self.apiKey = apiKey
        self.explain = explain
        self.timeoutS = timeoutS
        self.retries = retries
        self.concurrency = concurrency
        self.queue = queue
        self.maxTokens = maxTokens
        self.imageSize = imageSize
        self.jpegQuality = jpegQuality
        self.reference = reference
        self.breakerFailures = breakerFailures
        self.breakerPauseS = breakerPauseS
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
            explain: section.value("explain", default: defaults.explain, .flaggedVerdicts),
            timeoutS: section.value("timeout_s", default: defaults.timeoutS, .integer(in: 1...600)),
            retries: section.value("retries", default: defaults.retries, .integer(in: 0...10)),
            concurrency: section.value("concurrency", default: defaults.concurrency, .integer(in: 1...16)),
            queue: section.value("queue", default: defaults.queue, .integer(in: 1...10_000)),
            maxTokens: section.value("max_tokens", default: defaults.maxTokens, .integer(in: 64...32_768)),
            imageSize: section.value("image_size", default: defaults.imageSize, .integer(in: 64...2048)),
            jpegQuality: section.value("jpeg_quality", default: defaults.jpegQuality, .integer(in: 1...100)),
            reference: section.value("reference", default: defaults.reference, .boolean),
            breakerFailures: section.value("breaker_failures", default: defaults.breakerFailures, .integer(in: 1...1000)),
            breakerPauseS: section.value("breaker_pause_s", default: defaults.breakerPauseS, .integer(in: 1...3600))
        )
    }
}

extension Conversion where T == [Verdict] {
    /// A list of the verdicts worth explaining: reject and/or unsure (a pass is not flagged).
    static var flaggedVerdicts: Conversion<[Verdict]> {
        Conversion { node in
            let allowed = "a list of reject and unsure, e.g. [reject, unsure]"
            guard case .sequence(let items) = node else {
                return .failure(Rejection(problem: "expected \(allowed), found \(node.foundDescription)"))
            }
            var verdicts: [Verdict] = []
            for item in items {
                guard let text = item.scalar?.string.lowercased(), let verdict = Verdict(rawValue: text), verdict != .pass else {
                    return .failure(Rejection(problem: "\(Node.quoted(item.scalar?.string ?? "\(item)")) is not reject or unsure"))
                }
                if !verdicts.contains(verdict) { verdicts.append(verdict) }
            }
            return .success(verdicts)
        }
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
