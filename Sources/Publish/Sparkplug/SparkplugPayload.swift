/// A Sparkplug B payload (`Payload` of the specification): what every NBIRTH, NDATA, NDEATH and
/// NCMD carries. Encoded and decoded by protobuf-c (``encoded()``, ``init(decoding:)``).
public struct SparkplugPayload: Sendable, Equatable {
    /// Milliseconds since the Unix epoch, UTC, when the message was made.
    public var timestamp: UInt64?
    public var metrics: [SparkplugMetric]
    /// 0...255; absent in NDEATH and in commands.
    public var seq: UInt64?
    public var uuid: String?
    public var body: [UInt8]?

    public init(timestamp: UInt64?, metrics: [SparkplugMetric], seq: UInt64? = nil, uuid: String? = nil, body: [UInt8]? = nil) {
        self.timestamp = timestamp
        self.metrics = metrics
        self.seq = seq
        self.uuid = uuid
        self.body = body
    }

    /// The first metric called `name`, if any.
    public func metric(named name: String) -> SparkplugMetric? {
        metrics.first { $0.name == name }
    }
}
