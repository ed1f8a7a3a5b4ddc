/// Where frames come from and how the camera is set up (`camera.*`).
public struct CameraConfig: Sendable, Equatable {
    /// The kind of frame source.
    public enum Source: String, CaseIterable, Sendable {
        /// Generated parts with seeded random defects: the demo line, no hardware needed.
        case synthetic
        /// A V4L2 camera at `device`.
        case v4l2
        /// Images replayed from `folder`.
        case folder
    }

    /// The pixel format asked of a V4L2 camera.
    public enum Format: String, CaseIterable, Sendable {
        /// MJPEG when the camera offers it (less USB bandwidth), else YUYV, else GREY.
        case auto
        case mjpeg
        case yuyv
        case grey
    }

    /// Settings of the synthetic line (`camera.synthetic.*`).
    public struct Synthetic: Sendable, Equatable {
        /// Seed of the part and defect generator, so a demo run can be replayed exactly.
        public var seed: UInt64
        /// Fraction of generated parts that carry a defect, 0...1.
        public var defectRate: Double

        /// The demo's generator settings.
        public init(seed: UInt64 = 42, defectRate: Double = 0.1) {
            self.seed = seed
            self.defectRate = defectRate
        }
    }

    /// The kind of frame source.
    public var source: Source
    /// V4L2 device node; prefer `/dev/v4l/by-id/...`, which survives replugging. Needed for `v4l2`.
    public var device: String?
    /// Pixel format to negotiate with a V4L2 camera.
    public var format: Format
    /// Frame width in pixels, 16...8192.
    public var width: Int
    /// Frame height in pixels, 16...8192.
    public var height: Int
    /// Frames per second asked of the source, 1...240.
    public var fps: Int
    /// Number of V4L2 capture buffers, 2...32.
    public var buffers: Int
    /// How long to wait for a frame before the camera counts as stalled, in milliseconds.
    public var timeoutMs: Int
    /// V4L2 controls to set at start, by the control's name as `v4l2-ctl --list-ctrls` prints it.
    public var controls: [String: Int]
    /// Directory of images for the `folder` source.
    public var folder: String?
    /// Whether the `folder` source starts again after its last image.
    public var loop: Bool
    /// Settings of the `synthetic` source.
    public var synthetic: Synthetic

    /// The demo line's camera: synthetic VGA at 30 fps.
    public init(
        source: Source = .synthetic,
        device: String? = nil,
        format: Format = .auto,
        width: Int = 640,
        height: Int = 480,
        fps: Int = 30,
        buffers: Int = 4,
        timeoutMs: Int = 2000,
        controls: [String: Int] = [:],
        folder: String? = nil,
        loop: Bool = false,
        synthetic: Synthetic = Synthetic()
    ) {
        self.source = source
        self.device = device
        self.format = format
        self.width = width
        self.height = height
        self.fps = fps
        self.buffers = buffers
        self.timeoutMs = timeoutMs
        self.controls = controls
        self.folder = folder
        self.loop = loop
        self.synthetic = synthetic
    }
}

extension CameraConfig {
    static func read(_ section: SectionReader) -> CameraConfig {
        let defaults = CameraConfig()
        return CameraConfig(
            source: section.value("source", default: defaults.source, .choice),
            device: section.optional("device", .absolutePath),
            format: section.value("format", default: defaults.format, .choice),
            width: section.value("width", default: defaults.width, .integer(in: 16...8192)),
            height: section.value("height", default: defaults.height, .integer(in: 16...8192)),
            fps: section.value("fps", default: defaults.fps, .integer(in: 1...240)),
            buffers: section.value("buffers", default: defaults.buffers, .integer(in: 2...32)),
            timeoutMs: section.value("timeout_ms", default: defaults.timeoutMs, .integer(in: 100...60_000)),
            controls: section.freeMap("controls", .integer()),
            folder: section.optional("folder", section.filePath),
            loop: section.value("loop", default: defaults.loop, .boolean),
            synthetic: section.section("synthetic") { synthetic in
                Synthetic(
                    seed: synthetic.value("seed", default: defaults.synthetic.seed, .unsigned64),
                    defectRate: synthetic.value("defect_rate", default: defaults.synthetic.defectRate, .number(in: 0...1))
                )
            }
        )
    }
}
