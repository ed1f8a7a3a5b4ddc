/// What every request of a line shares: the model, the size of the images, the product.
public struct PromptSettings: Sendable, Equatable {
    /// The model name sent with each request.
    public var model: String
    /// The product recipe's name, told to the model.
    public var product: String
    /// Longer side of each image sent, in pixels.
    public var imageSize: Int
    /// JPEG quality of the images sent, 1...100.
    public var jpegQuality: Int
    /// Upper bound on the answer's length, in tokens.
    public var maxTokens: Int
    /// The recipe's product knowledge (Echo); nil sends none and lets any defect type through.
    public var knowledge: ProductKnowledge?

    public init(model: String, product: String, imageSize: Int = 448, jpegQuality: Int = 85, maxTokens: Int = 400,
                knowledge: ProductKnowledge? = nil) {
        self.model = model
        self.product = product
        self.imageSize = imageSize
        self.jpegQuality = jpegQuality
        self.maxTokens = maxTokens
        self.knowledge = knowledge
    }
}
