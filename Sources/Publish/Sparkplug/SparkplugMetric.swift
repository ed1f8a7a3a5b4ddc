/// One metric of a Sparkplug B payload.
///
/// Births carry name, alias and datatype of every metric; data messages carry the alias only
/// and leave the datatype out (the host knows both from the birth), which keeps them small.
public struct SparkplugMetric: Sendable, Equatable {
    /// The metric's name, `/` separating folders (`Part/Verdict`); nil when only the alias is sent.
    public var name: String?
    /// The number a birth binds to ``name``, used alone in data messages.
    public var alias: UInt64?
    /// Milliseconds since the Unix epoch, UTC, when the value was taken.
    public var timestamp: UInt64?
    /// Sent in births (always) and left out of data messages (nil).
    public var dataType: SparkplugDataType?
    /// The value; nil is sent as `is_null`.
    public var value: SparkplugValue?
    /// The value is sent late (store and forward): a host records it but does not take it as
    /// the metric's current value.
    public var isHistorical: Bool
    /// A host should not store the value as a tag.
    public var isTransient: Bool

    public init(name: String? = nil, alias: UInt64? = nil, timestamp: UInt64? = nil, dataType: SparkplugDataType? = nil,
                value: SparkplugValue?, isHistorical: Bool = false, isTransient: Bool = false) {
        self.name = name
        self.alias = alias
        self.timestamp = timestamp
        self.dataType = dataType
        self.value = value
        self.isHistorical = isHistorical
        self.isTransient = isTransient
    }

    /// Whether the metric says its value is null.
    public var isNull: Bool { value == nil }
}
