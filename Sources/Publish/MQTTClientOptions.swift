/// Everything an ``MQTTClient`` needs to reach its broker.
///
/// Every textual form hides the password, so the options can be logged whole.
public struct MQTTClientOptions: Sendable, CustomStringConvertible, CustomReflectable {
    /// The message the broker publishes for this client when it vanishes without a clean
    /// disconnect (crash, power cut, network loss beyond the keep-alive).
    public struct Will: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: Int
        public var retain: Bool

        public init(topic: String, payload: [UInt8], qos: Int = 1, retain: Bool = true) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    public var host: String
    public var port: Int
    /// Unique per broker: a second client with the same id knocks the first off.
    public var clientID: String
    public var keepaliveSeconds: Int
    public var protocolVersion: MQTTProtocolVersion
    /// Nil connects anonymously.
    public var username: String?
    /// Handed to libmosquitto only; never logged, never in an error.
    public var password: String?
    /// PEM file of the CA that signed the broker's certificate; setting it switches TLS on
    /// (TLS 1.2 or newer, the certificate checked against this CA and against `host`).
    public var caFile: String?
    /// PEM files of this station's own certificate and its unencrypted key, for brokers that
    /// require client certificates; both or neither, and only with `caFile`.
    public var certFile: String?
    public var keyFile: String?
    public var will: Will?
    public var backoff: ReconnectBackoff
    /// QoS 1 and 2 messages in flight at once (MQTT 5's receive maximum on our side).
    public var sendMaximum: Int

    public init(host: String, port: Int, clientID: String, keepaliveSeconds: Int = 30,
                protocolVersion: MQTTProtocolVersion = .v5, username: String? = nil, password: String? = nil,
                caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, will: Will? = nil, backoff: ReconnectBackoff = ReconnectBackoff(),
                sendMaximum: Int = 20) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepaliveSeconds = keepaliveSeconds
        self.protocolVersion = protocolVersion
        self.username = username
        self.password = password
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.will = will
        self.backoff = backoff
        self.sendMaximum = sendMaximum
    }

    public var description: String {
        "\(protocolVersion) to \(host):\(port)\(caFile == nil ? "" : certFile == nil ? " with TLS" : " with TLS and a client certificate") as \(clientID)"
            + ", user \(username ?? "none"), password \(password == nil ? "not set" : "<redacted>")"
    }

    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
