/// The `seq` of a node's messages: 0 for NBIRTH, then +1 for every NDATA, wrapping from 255
/// to 0. A host that sees a gap asks for a rebirth.
public struct SparkplugSequence: Sendable, Equatable {
    /// The seq the next data message takes.
    public private(set) var next: UInt64 = 0

    public init() {}

    /// The seq of a birth (0); the next data message takes 1.
    public mutating func birth() -> UInt64 {
        next = 1
        return 0
    }

    /// The seq of the next data message.
    public mutating func take() -> UInt64 {
        defer { next = (next + 1) & 0xFF }
        return next
    }
}

/// The birth/death sequence (`bdSeq`): one value per MQTT session, carried by the session's
/// NDEATH will and repeated by its NBIRTH, +1 per new connection, wrapping from 255 to 0 and
/// kept across restarts so a host never pairs a new birth with an old death.
public enum SparkplugBirthDeathSequence {
    /// The bdSeq after `previous` (0 when there was none).
    public static func after(_ previous: UInt64?) -> UInt64 {
        guard let previous else { return 0 }
        return (previous + 1) & 0xFF
    }
}
