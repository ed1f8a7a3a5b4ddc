import Imaging

/// What is being inspected: the product recipe and its taught model (`recipe.*`).
public struct RecipeConfig: Sendable, Equatable {
    /// Name of the product recipe, recorded with every result.
    public var name: String
    /// Path of the taught PatchCore model file.
    public var model: String
    /// Region of the frame to inspect, in camera pixels; nil inspects the whole frame.
    public var roi: Rect?
    /// Text file of product knowledge for the MLLM explainer (what good looks like, the known
    /// defect types); nil sends none.
    public var knowledge: String?

    /// The demo recipe.
    public init(name: String = "demo", model: String = "/var/lib/eagle-edge/models/demo.eagle", roi: Rect? = nil,
                knowledge: String? = nil) {
        self.name = name
        self.model = model
        self.roi = roi
        self.knowledge = knowledge
    }
}

extension RecipeConfig {
    static func read(_ section: SectionReader) -> RecipeConfig {
        let defaults = RecipeConfig()
        return RecipeConfig(
            name: section.value("name", default: defaults.name, .text),
            model: section.value("model", default: defaults.model, section.filePath),
            roi: section.optionalSection("roi") { roi in
                let x = roi.value("x", default: 0, .integer(in: 0...8191))
                let y = roi.value("y", default: 0, .integer(in: 0...8191))
                let width = roi.required("width", .integer(in: 1...8192))
                let height = roi.required("height", .integer(in: 1...8192))
                guard let width, let height else { return nil }
                return Rect(x: x, y: y, width: width, height: height)
            },
            knowledge: section.optional("knowledge", section.filePath)
        )
    }
}
