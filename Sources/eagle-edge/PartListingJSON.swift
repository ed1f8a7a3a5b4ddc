import Appliance
import Foundation
import Inspection

/// `results --json`: one JSON object per line, the part record's own encoding, times in UTC
/// to the millisecond like the journal keeps them.
enum PartListingJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UTCTimestamp.string(date))
        }
        return encoder
    }

    static func line(_ part: Part, encoder: JSONEncoder) throws -> String {
        String(decoding: try encoder.encode(part), as: UTF8.self)
    }
}
