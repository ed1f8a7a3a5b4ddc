import Foundation

/// Encodes the published JSON payloads: keys sorted (stable bytes for the same record), times
/// as the caller formats them (the journal's UTC-with-milliseconds text), compact.
public struct PayloadEncoder: Sendable {
    private let formatTime: @Sendable (Date) -> String

    /// `formatTime` writes every time in every payload.
    public init(formatTime: @escaping @Sendable (Date) -> String) {
        self.formatTime = formatTime
    }

    /// The UTF-8 JSON of `message`.
    public func encode(_ message: some Encodable) throws -> [UInt8] {
        // A JSONEncoder is a class with mutable settings: one per call keeps this type Sendable.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let formatTime = formatTime
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTime(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return Array(try encoder.encode(message))
    }
}
