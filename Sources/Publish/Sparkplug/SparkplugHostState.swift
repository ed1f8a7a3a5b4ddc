import Foundation

/// A Sparkplug host application's STATE (3.0): retained JSON on `spBv1.0/STATE/{host id}`,
/// `{"online":true,"timestamp":1733390000000}`.
public struct SparkplugHostState: Sendable, Equatable, Codable {
    public var online: Bool
    /// Milliseconds since the Unix epoch, UTC, of the host's connect or disconnect.
    public var timestamp: UInt64

    public init(online: Bool, timestamp: UInt64) {
        self.online = online
        self.timestamp = timestamp
    }

    /// Reads a STATE payload.
    public init(decoding bytes: [UInt8]) throws(SparkplugError) {
        do {
            self = try JSONDecoder().decode(SparkplugHostState.self, from: Data(bytes))
        } catch {
            throw .invalidHostState(String(decoding: bytes.prefix(200), as: UTF8.self))
        }
    }
}
