import CMosquitto

/// The MQTT protocol a client speaks: 5 unless a broker or a plant's tools need 3.1.1.
public enum MQTTProtocolVersion: Sendable, Equatable, CustomStringConvertible {
    case v5
    case v311

    /// libmosquitto's `MOSQ_OPT_PROTOCOL_VERSION` value.
    var optionValue: Int32 {
        switch self {
        case .v5: MQTT_PROTOCOL_V5
        case .v311: MQTT_PROTOCOL_V311
        }
    }

    public var description: String {
        switch self {
        case .v5: "MQTT 5"
        case .v311: "MQTT 3.1.1"
        }
    }
}
