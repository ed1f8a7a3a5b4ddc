/// What one HTTP attempt came to, as the retry loop sees it.
enum AttemptResult {
    /// A 2xx response: the endpoint works, whatever the answer says.
    case answered(HTTPResponse)
    /// Worth another attempt (408, 409, 429, 5xx, timeout, connection), after at least
    /// `retryAfter` seconds when the endpoint said so.
    case retryable(reason: String, retryAfter: Double?)
    /// Another attempt would fail the same way (401, 404, 400, TLS, a body over the limit).
    case fatal(reason: String)

    init(_ outcome: Result<HTTPResponse, any Error>) {
        switch outcome {
        case .success(let response):
            let reason = Self.reason(response)
            switch response.status {
            case 200..<300: self = .answered(response)
            case 408, 409, 429, 500..<600:
                self = .retryable(reason: reason, retryAfter: RetryAfter.seconds(response.header("retry-after")))
            default: self = .fatal(reason: reason)
            }
        case .failure(let error as HTTPError):
            self = error.isTransient ? .retryable(reason: error.description, retryAfter: nil) : .fatal(reason: error.description)
        case .failure(let error):
            self = .fatal(reason: "\(error)")
        }
    }

    /// "HTTP 429: rate limited" from the status and the start of an OpenAI-style error message.
    private static func reason(_ response: HTTPResponse) -> String {
        let message = (try? JSONValue.parse(response.body)).flatMap { $0["error"]?["message"]?.stringValue ?? $0["error"]?.stringValue }
            ?? String(decoding: response.body.prefix(120), as: UTF8.self)
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status): \(flat.prefix(120))"
    }
}
