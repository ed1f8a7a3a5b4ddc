import Yams

/// Which production line and station this appliance serves; names results and MQTT topics.
public struct LineConfig: Sendable, Equatable {
    /// Name of the production line (`line.name`).
    public var name: String
    /// Name of this inspection station on the line (`line.station`).
    public var station: String
    /// What makes a part (`line.trigger`).
    public var trigger: Trigger
    /// Time from a photo-eye edge to the moment the part is in the camera's view, in ms.
    public var photoEyeOffsetMs: Int
    /// How long after that moment a frame may be captured and still be the part's, in ms;
    /// a part with no frame by then is not inspected.
    public var frameWindowMs: Int

    /// What makes a part.
    public enum Trigger: String, CaseIterable, Sendable {
        /// Every frame the expert takes is a part.
        case freeRun = "free_run"
        /// Every rising edge of `reject.photo_eye` is a part; its frame is the first captured
        /// at or after the edge plus `photo_eye_offset_ms`.
        case photoEye = "photo_eye"
    }

    /// The demo line's identity, free-running.
    public init(name: String = "demo-line", station: String = "station-1", trigger: Trigger = .freeRun,
                photoEyeOffsetMs: Int = 0, frameWindowMs: Int = 100) {
        self.name = name
        self.station = station
        self.trigger = trigger
        self.photoEyeOffsetMs = photoEyeOffsetMs
        self.frameWindowMs = frameWindowMs
    }
}

extension LineConfig {
    static func read(_ section: SectionReader) -> LineConfig {
        let defaults = LineConfig()
        return LineConfig(
            name: section.value("name", default: defaults.name, .topicLevel),
            station: section.value("station", default: defaults.station, .topicLevel),
            trigger: section.value("trigger", default: defaults.trigger, .choice),
            photoEyeOffsetMs: section.value("photo_eye_offset_ms", default: defaults.photoEyeOffsetMs, .integer(in: 0...10_000)),
            frameWindowMs: section.value("frame_window_ms", default: defaults.frameWindowMs, .integer(in: 1...10_000))
        )
    }
}

extension Conversion where T == String {
    /// Text that can stand as one MQTT topic level: the names end up in topics, where `/`
    /// would add a level and `+`/`#` are wildcards that a broker refuses in a publish.
    static var topicLevel: Conversion<String> {
        text.checked { name in
            name.contains(where: { "/+#".contains($0) })
                ? "\(Node.quoted(name)) contains /, + or #, which cannot appear in an MQTT topic level" : nil
        }
    }
}
