/// Where the explainer sends its requests: an OpenAI-compatible API.
public struct ChatEndpoint: Sendable, CustomStringConvertible {
    /// The API's base URL (e.g. `https://llm.example.com/v1`); requests go to `{base}/chat/completions`.
    public var baseURL: String
    /// The bearer token, sent only in the `Authorization` header; never printed.
    public var apiKey: String?

    public init(baseURL: String, apiKey: String? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    /// `{base}/chat/completions`.
    public var completionsURL: String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/chat/completions"
    }

    /// `{base}/models`, which `check-config --probe` asks.
    public var modelsURL: String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/models"
    }

    /// The headers of a request with a JSON body.
    func headers() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        return headers
    }

    /// The URL, and whether a key is set; never the key.
    public var description: String { "\(baseURL) (\(apiKey == nil ? "no API key" : "API key set"))" }
}
