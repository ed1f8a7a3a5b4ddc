/// A Sparkplug message that could not be read or made.
public enum SparkplugError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a Sparkplug B payload (protobuf-c could not unpack them).
    case notAPayload(bytes: Int)
    /// A metric's value does not fit the datatype it declares.
    case invalidMetric(name: String, reason: String)
    /// A host's STATE message is not the specification's JSON object.
    case invalidHostState(String)

    public var description: String {
        switch self {
        case .notAPayload(let bytes): "\(bytes) bytes that are not a Sparkplug B payload"
        case .invalidMetric(let name, let reason): "the Sparkplug metric \(name) is invalid: \(reason)"
        case .invalidHostState(let reason): "a Sparkplug STATE message that is not {\"online\":...,\"timestamp\":...}: \(reason)"
        }
    }
}
