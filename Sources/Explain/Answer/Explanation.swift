/// The model's structured answer about one part, validated.
///
/// Every field but ``description`` may be missing when the answer was salvaged from prose or
/// from a server that ignored the schema; ``salvage`` then says what was done.
public struct Explanation: Sendable, Equatable, Codable {
    /// How bad the model finds the defect.
    public enum Severity: String, Sendable, Equatable, Codable, CaseIterable {
        case none, minor, major, critical
    }

    /// Whether the model sees a defect.
    public var anomalous: Bool?
    /// Whether the model agrees with the expert's verdict.
    public var agreesWithExpert: Bool?
    /// One of the recipe's defect types, "other", or "none".
    public var defectType: String?
    /// The box (1 = strongest) the defect is in; nil when in none of them or not said.
    public var box: Int?
    /// Where on the part, in a few words.
    public var location: String?
    public var severity: Severity?
    /// One or two sentences for the operator.
    public var description: String
    /// The model's own confidence, 0...1.
    public var confidence: Double?
    /// What was done to read an answer that was not the JSON asked for (fenced, truncated,
    /// prose, fields renamed or out of range); empty when it was.
    public var salvage: [String]

    public init(anomalous: Bool? = nil, agreesWithExpert: Bool? = nil, defectType: String? = nil, box: Int? = nil,
                location: String? = nil, severity: Severity? = nil, description: String, confidence: Double? = nil,
                salvage: [String] = []) {
        self.anomalous = anomalous
        self.agreesWithExpert = agreesWithExpert
        self.defectType = defectType
        self.box = box
        self.location = location
        self.severity = severity
        self.description = description
        self.confidence = confidence
        self.salvage = salvage
    }

    enum CodingKeys: String, CodingKey {
        case anomalous
        case agreesWithExpert = "agrees_with_expert"
        case defectType = "defect_type"
        case box, location, severity, description, confidence, salvage
    }
}
