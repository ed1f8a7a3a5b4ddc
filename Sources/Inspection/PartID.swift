/// A part's identity: positive, increasing in the order parts are decided, and never reused,
/// across restarts too (the journal hands out the next one after the highest ever stored).
public struct PartID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// The id after this one.
    public var next: PartID { PartID(rawValue: rawValue + 1) }

    public static func < (lhs: PartID, rhs: PartID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
