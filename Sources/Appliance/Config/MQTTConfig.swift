import Yams

/// The MQTT link to plant SCADA for results, counters and health (`mqtt.*`).
public struct MQTTConfig: Sendable, Equatable {
    /// TLS settings (`mqtt.tls.*`); a CA file switches TLS on.
    public struct TLS: Sendable, Equatable {
        /// PEM file of the CA that signed the broker's certificate; nil means plain TCP.
        public var caFile: String?
        /// PEM file of this station's certificate, for brokers that require client certificates;
        /// needs `keyFile` and `caFile`.
        public var certFile: String?
        /// PEM file of the unencrypted private key of `certFile`.
        public var keyFile: String?

        /// Plain TCP unless `caFile` is given.
        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// The MQTT protocol spoken (`mqtt.protocol_version`).
    public enum ProtocolVersion: String, Sendable, Equatable, CaseIterable {
        case v5 = "5"
        case v311 = "3.1.1"
    }

    /// Whether to connect and publish at all.
    public var enabled: Bool
    /// Broker host name or address.
    public var host: String
    /// Broker TCP port, 1...65535.
    public var port: Int
    /// MQTT client id; nil derives one from the line and station (see `ApplianceConfig.mqttClientID`)
    /// so two stations never share an id and knock each other off the broker.
    public var clientID: String?
    /// First level(s) of every topic this appliance publishes.
    public var topicPrefix: String
    /// Keep-alive interval, in seconds.
    public var keepaliveS: Int
    /// MQTT 5 unless a broker or the plant's tools need 3.1.1.
    public var protocolVersion: ProtocolVersion
    /// QoS of result messages, 0...2.
    public var qos: Int
    /// User name for the broker; nil connects anonymously.
    public var username: String?
    /// Password for the broker, from `password_file` or `password_env`.
    public var password: Secret?
    /// TLS settings.
    public var tls: TLS
    /// Seconds between two messages on the `counters` topic.
    public var countersIntervalS: Int
    /// Largest size of the on-disk spool that holds messages while the broker is unreachable, in MiB.
    public var spoolMaxMB: Int
    /// The Sparkplug B edge node (`mqtt.sparkplug`).
    public var sparkplug: SparkplugConfig

    /// Disabled; once enabled, a local broker on the standard port.
    public init(
        enabled: Bool = false,
        host: String = "localhost",
        port: Int = 1883,
        clientID: String? = nil,
        topicPrefix: String = "eagle-edge",
        keepaliveS: Int = 30,
        protocolVersion: ProtocolVersion = .v5,
        qos: Int = 1,
        username: String? = nil,
        password: Secret? = nil,
        tls: TLS = TLS(),
        countersIntervalS: Int = 10,
        spoolMaxMB: Int = 64,
        sparkplug: SparkplugConfig = SparkplugConfig()
    ) {
        self.enabled = enabled
        self.host = host
        self.port = port
        self.clientID = clientID
        self.topicPrefix = topicPrefix
        self.keepaliveS = keepaliveS
        self.protocolVersion = protocolVersion
        self.qos = qos
        self.username = username
        self.password = password
        self.tls = tls
        self.countersIntervalS = countersIntervalS
        self.spoolMaxMB = spoolMaxMB
        self.sparkplug = sparkplug
    }
}

extension MQTTConfig {
    static func read(_ section: SectionReader) -> MQTTConfig {
        let defaults = MQTTConfig()
        return MQTTConfig(
            enabled: section.value("enabled", default: defaults.enabled, .boolean),
            host: section.value("host", default: defaults.host, .text),
            port: section.value("port", default: defaults.port, .integer(in: 1...65_535)),
            clientID: section.optional("client_id", .text.checked { id in
                // MQTT 3.1.1 guarantees only 23 bytes; brokers allow more, but all refuse over 65535.
                id.utf8.count > 65_535 ? "is longer than MQTT allows (65535 bytes)" : nil
            }),
            topicPrefix: section.value("topic_prefix", default: defaults.topicPrefix, .topicPrefix),
            keepaliveS: section.value("keepalive_s", default: defaults.keepaliveS, .integer(in: 1...65_535)),
            protocolVersion: section.value("protocol_version", default: defaults.protocolVersion, .choice),
            qos: section.value("qos", default: defaults.qos, .integer(in: 0...2)),
            username: section.optional("username", .text),
            password: section.secret("password"),
            tls: section.section("tls") { tls in
                TLS(caFile: tls.optional("ca_file", tls.filePath), certFile: tls.optional("cert_file", tls.filePath),
                    keyFile: tls.optional("key_file", tls.filePath))
            },
            countersIntervalS: section.value("counters_interval_s", default: defaults.countersIntervalS, .integer(in: 1...86_400)),
            spoolMaxMB: section.value("spool_max_mb", default: defaults.spoolMaxMB, .integer(in: 1...100_000)),
            sparkplug: section.section("sparkplug", SparkplugConfig.read)
        )
    }
}

extension Conversion where T == String {
    /// Topic levels without wildcards and without an empty level at either end.
    static var topicPrefix: Conversion<String> {
        text.checked { prefix in
            if prefix.contains(where: { $0 == "+" || $0 == "#" }) {
                return "\(Node.quoted(prefix)) contains + or #, which are wildcards and cannot appear in a published topic"
            }
            if prefix.hasPrefix("/") || prefix.hasSuffix("/") || prefix.contains("//") {
                return "\(Node.quoted(prefix)) has an empty topic level; drop the leading, trailing or doubled /"
            }
            return nil
        }
    }
}
