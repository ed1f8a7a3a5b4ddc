/// What an ``MQTTClient`` reports, called on its network thread: keep them short and never
/// block on the client from inside one.
public struct MQTTClientHandlers: Sendable {
    /// The broker accepted the connection (first connect or a reconnect).
    public var connected: @Sendable () -> Void
    /// The connection ended or could not be made; nil when the client was stopped on purpose.
    public var disconnected: @Sendable (MQTTError?) -> Void
    /// The broker acknowledged message `mid` (PUBACK for QoS 1, sent for QoS 0). `reasonCode`
    /// is MQTT 5's PUBACK reason (0 under 3.1.1); 128 and above mean the broker refused it.
    public var published: @Sendable (_ mid: Int32, _ reasonCode: Int32) -> Void
    /// A message arrived on a subscribed topic.
    public var message: @Sendable (_ topic: String, _ payload: [UInt8]) -> Void

    public init(connected: @escaping @Sendable () -> Void = {},
                disconnected: @escaping @Sendable (MQTTError?) -> Void = { _ in },
                published: @escaping @Sendable (_ mid: Int32, _ reasonCode: Int32) -> Void = { _, _ in },
                message: @escaping @Sendable (_ topic: String, _ payload: [UInt8]) -> Void = { _, _ in }) {
        self.connected = connected
        self.disconnected = disconnected
        self.published = published
        self.message = message
    }
}
