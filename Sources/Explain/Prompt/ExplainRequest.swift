import Foundation
import Imaging
import Inspection

/// The chat-completions request about one part, exactly as it is sent, with the JPEG images it
/// embeds (for `eagle-edge explain --dry-run` and the tests).
public struct ExplainRequest: Sendable {
    /// One image the request embeds as a data URL.
    public struct Attachment: Sendable, Equatable {
        /// `reference`, `original` or `boxed`.
        public var name: String
        public var jpeg: [UInt8]
    }

    /// The JSON body of `POST {endpoint}/chat/completions`.
    public var body: JSONValue
    /// The images, in the order the prompt shows them.
    public var attachments: [Attachment]
    /// The boxes drawn on the boxed image, in its pixels, strongest first.
    public var boxes: [Rect]

    /// The body's bytes (compact JSON, sorted keys).
    public func encodedBody() throws -> [UInt8] { try body.encoded() }

    /// Builds the request for `subject` (EAGLE's prompt with Echo's reference and knowledge).
    /// - Parameter reference: a good part of the same product, shown first when given.
    public init(_ subject: ExplainSubject, settings: PromptSettings, reference: RGBImage? = nil) throws {
        let evidence = try EvidenceImages(subject, size: settings.imageSize)
        var attachments: [Attachment] = []
        var content: [JSONValue] = []
        func text(_ value: String) { content.append(["type": "text", "text": .string(value)]) }
        func image(_ name: String, _ picture: RGBImage) throws {
            let jpeg = try JPEG.encode(picture, quality: settings.jpegQuality)
            attachments.append(Attachment(name: name, jpeg: jpeg))
            let url = "data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())"
            content.append(["type": "image_url", "image_url": ["url": .string(url)]])
        }

        var intro = "Product: \(settings.product)."
        if let knowledge = settings.knowledge, !knowledge.text.isEmpty {
            intro += "\nWhat is known about this product:\n\(knowledge.text)"
        }
        text(intro)
        if let reference {
            let scaled = try EvidenceImages(ExplainSubject(part: subject.part, frame: reference), size: settings.imageSize)
            text("Image \(attachments.count + 1) shows a normal, good part of this product for comparison.")
            try image("reference", scaled.original)
        }
        text("\(Self.verdictSentence(subject.part.verdict)) Image \(attachments.count + 1) shows the part as captured.")
        try image("original", evidence.original)
        if let boxed = evidence.boxed {
            let listed = evidence.boxes.enumerated().map { "box \($0.offset + 1) \(evidence.location(of: $0.element))" }
            let count = evidence.boxes.count == 1 ? "the region" : "the \(evidence.boxes.count) regions"
            let lead = "Image \(attachments.count + 1) shows the same part with red boxes around \(count)"
            text("""
                \(lead) the system found most unusual, strongest first: \(listed.joined(separator: ", ")). \
                The boxes can fall on normal regions of the part: judge the part itself, not the marks.
                """)
            try image("boxed", boxed)
        } else {
            text("The system marked no particular region.")
        }
        text(Self.answerInstruction(settings.knowledge))

        body = [
            "model": .string(settings.model),
            "messages": [
                ["role": "system", "content": .string(Self.systemPrompt)],
                ["role": "user", "content": .array(content)],
            ],
            "max_tokens": .number(Double(settings.maxTokens)),
            "temperature": 0,
            "response_format": [
                "type": "json_schema",
                "json_schema": ["name": .string(AnswerSchema.name), "strict": true,
                                "schema": AnswerSchema.schema(knowledge: settings.knowledge)],
            ],
        ]
        self.attachments = attachments
        boxes = evidence.boxes
    }

    static let systemPrompt = """
        You explain the findings of an automated visual inspection system to the operators of a \
        production line. The inspection system has already decided; you describe what you see. \
        Answer with one JSON object only.
        """

    /// EAGLE's verdict sentence; no score, which would anchor the model on a number it cannot check.
    static func verdictSentence(_ verdict: Verdict?) -> String {
        verdict == .unsure
            ? "The inspection system flagged this part as possibly anomalous (it is not certain)."
            : "The inspection system flagged this part as anomalous."
    }

    static func answerInstruction(_ knowledge: ProductKnowledge?) -> String {
        let types = AnswerSchema.defectTypes(knowledge).joined(separator: ", ")
        let defect = knowledge.map { !$0.defectTypes.isEmpty } == true
            ? "defect_type (one of: \(types))"
            : "defect_type (a short name such as scratch or dent, other if none fits, none for a good part)"
        return """
            Answer with a JSON object: anomalous (true if you see a defect), agrees_with_expert (true if \
            you agree with the inspection system), \(defect), box (the number of the box on the defect, \
            0 if it is in no box or there is none), location (where on the part, a few words), severity \
            (none, minor, major or critical), description (one or two plain sentences for the operator), \
            confidence (0 to 1).
            """
    }
}
