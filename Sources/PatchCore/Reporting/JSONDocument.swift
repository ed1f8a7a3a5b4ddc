import Foundation

/// How the reports write JSON: keys sorted and indented, so that two runs diff line by line.
enum JSONDocument {
    /// `object` as pretty-printed JSON with sorted keys.
    static func render(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    /// A missing figure is JSON null, not a made-up number a script could mistake for a result.
    static func nullable(_ value: Double?) -> Any {
        value.map { $0 as Any } ?? NSNull()
    }
}
