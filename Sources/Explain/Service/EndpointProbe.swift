/// One look at an endpoint before relying on it (`eagle-edge check-config --probe`): asks
/// `GET {base}/models` with the key, and says whether it answers and lists the model.
public enum EndpointProbe {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// Whether the endpoint answered with 2xx.
        public var reachable: Bool
        /// The models it lists (empty when it lists none or does not say).
        public var models: [String]
        /// What went wrong, or what to look at.
        public var detail: String

        public var description: String { detail }
    }

    /// Probes `endpoint` for `model`, within `timeout` seconds.
    public static func probe(_ endpoint: ChatEndpoint, model: String?, timeout: Double = 10) -> Finding {
        let response: HTTPResponse
        do {
            response = try HTTPClient().send(HTTPRequest(url: endpoint.modelsURL, headers: endpoint.headers(), timeout: timeout))
        } catch {
            return Finding(reachable: false, models: [], detail: "\(endpoint.modelsURL) cannot be reached: \(error)")
        }
        guard (200..<300).contains(response.status) else {
            let hint = response.status == 401 || response.status == 403 ? " (check mllm.api_key_file or mllm.api_key_env)" : ""
            return Finding(reachable: false, models: [], detail: "\(endpoint.modelsURL) answered HTTP \(response.status)\(hint)")
        }
        var models: [String] = []
        if let json = try? JSONValue.parse(response.body), case .array(let items)? = json["data"] {
            models = items.compactMap { $0["id"]?.stringValue }
        }
        var detail = "\(endpoint.modelsURL) answers; \(models.count) models listed"
        if let model, !models.isEmpty {
            detail += models.contains(model) ? ", \(model) among them" : "; \(model) is not among them: \(models.prefix(10).joined(separator: ", "))"
        }
        return Finding(reachable: true, models: models, detail: detail)
    }
}
