/// The JSON Schema of the answer asked for with `response_format` `json_schema`.
///
/// Kept within the subset strict mode accepts everywhere (OpenAI, vLLM's and llama.cpp's
/// grammars): every property required, no additional properties, enums of strings, no
/// numeric bounds (the parser checks those).
public enum AnswerSchema {
    /// The schema's name in the request.
    public static let name = "part_explanation"
    /// The severities an answer may give.
    public static let severities = ["none", "minor", "major", "critical"]
    /// The fields, in the order the prompt explains them.
    public static let fields = ["anomalous", "agrees_with_expert", "defect_type", "box", "location", "severity",
                                "description", "confidence"]

    /// The defect types an answer may give: the recipe's, then "other", and "none" for a part
    /// the model finds good.
    public static func defectTypes(_ knowledge: ProductKnowledge?) -> [String] {
        (knowledge?.defectTypes ?? []) + ["other", "none"]
    }

    /// The schema for a recipe with `knowledge`: without a list of defect types any short name goes.
    public static func schema(knowledge: ProductKnowledge?) -> JSONValue {
        let defectType: JSONValue = knowledge.map { !$0.defectTypes.isEmpty } == true
            ? ["type": "string", "enum": .array(defectTypes(knowledge).map { .string($0) })]
            : ["type": "string"]
        return [
            "type": "object",
            "additionalProperties": false,
            "required": .array(fields.map { .string($0) }),
            "properties": [
                "anomalous": ["type": "boolean"],
                "agrees_with_expert": ["type": "boolean"],
                "defect_type": defectType,
                "box": ["type": "integer"],
                "location": ["type": "string"],
                "severity": ["type": "string", "enum": .array(severities.map { .string($0) })],
                "description": ["type": "string"],
                "confidence": ["type": "number"],
            ],
        ]
    }
}
