import Capture

/// The whole typed configuration of one EagleEdge appliance.
///
/// `ApplianceConfig()` is the embedded default the appliance runs on when there is no file:
/// the synthetic demo line with the actuator, MQTT and the MLLM switched off. The shipped
/// `Config/eagle-edge.yaml` spells out exactly these values (a test keeps the two equal).
/// Files are read with `load(path:)` or `parse(yaml:)`, which validate every key.
public struct ApplianceConfig: Sendable, Equatable {
    /// Line and station identity (`line`).
    public var line: LineConfig
    /// Frame source (`camera`).
    public var camera: CameraConfig
    /// Product recipe and model (`recipe`).
    public var recipe: RecipeConfig
    /// Anomaly expert settings (`expert`).
    public var expert: ExpertConfig
    /// Score-to-verdict rules (`decision`).
    public var decision: DecisionConfig
    /// Reject actuator and timing sensors (`reject`).
    public var reject: RejectConfig
    /// MQTT link to SCADA (`mqtt`).
    public var mqtt: MQTTConfig
    /// Remote explainer (`mllm`).
    public var mllm: MLLMConfig
    /// On-disk journal and images (`storage`).
    public var storage: StorageConfig
    /// The local status page and `/metrics` (`web`).
    public var web: WebConfig
    /// Log level (`logging`).
    public var logging: LoggingConfig

    /// The configuration with every section at its default unless given.
    public init(
        line: LineConfig = LineConfig(),
        camera: CameraConfig = CameraConfig(),
        recipe: RecipeConfig = RecipeConfig(),
        expert: ExpertConfig = ExpertConfig(),
        decision: DecisionConfig = DecisionConfig(),
        reject: RejectConfig = RejectConfig(),
        mqtt: MQTTConfig = MQTTConfig(),
        mllm: MLLMConfig = MLLMConfig(),
        storage: StorageConfig = StorageConfig(),
        web: WebConfig = WebConfig(),
        logging: LoggingConfig = LoggingConfig()
    ) {
        self.line = line
        self.camera = camera
        self.recipe = recipe
        self.expert = expert
        self.decision = decision
        self.reject = reject
        self.mqtt = mqtt
        self.mllm = mllm
        self.storage = storage
        self.web = web
        self.logging = logging
    }

    /// The MQTT client id to connect with: `mqtt.client_id`, or one derived from the line and
    /// station so that every station on a broker has its own.
    public var mqttClientID: String {
        mqtt.clientID ?? "eagle-edge-\(line.name)-\(line.station)"
    }
}

extension ApplianceConfig {
    /// Reads every section of the document under `root`, in the order of the shipped file.
    static func read(_ root: SectionReader) -> ApplianceConfig {
        ApplianceConfig(
            line: root.section("line", LineConfig.read),
            camera: root.section("camera", CameraConfig.read),
            recipe: root.section("recipe", RecipeConfig.read),
            expert: root.section("expert", ExpertConfig.read),
            decision: root.section("decision", DecisionConfig.read),
            reject: root.section("reject", RejectConfig.read),
            mqtt: root.section("mqtt", MQTTConfig.read),
            mllm: root.section("mllm", MLLMConfig.read),
            storage: root.section("storage", StorageConfig.read),
            web: root.section("web", WebConfig.read),
            logging: root.section("logging", LoggingConfig.read)
        )
    }

    /// Every key the loader accepts, found by walking an empty document.
    static var knownKeys: [ConfigKey] {
        let context = ConfigReadContext(environment: [:], baseDirectory: "/")
        let root = SectionReader(context: context, path: "", node: nil)
        _ = read(root)
        return context.knownKeys
    }
}
