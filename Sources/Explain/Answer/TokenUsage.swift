/// Tokens a request cost, as the endpoint reports them (`usage`).
public struct TokenUsage: Sendable, Equatable, Codable {
    public var prompt: Int
    public var completion: Int

    public init(prompt: Int, completion: Int) {
        self.prompt = prompt
        self.completion = completion
    }
}
