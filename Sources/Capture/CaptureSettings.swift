/// How frames are captured. The appliance's `camera.*` configuration section is this type
/// (`Appliance.CameraConfig`), so these defaults are the shipped configuration's.
public struct CaptureSettings: Sendable, Equatable {
    /// The kind of frame source.
    public enum Source: String, CaseIterable, Sendable {
        /// ``SyntheticLine``: generated parts with seeded defects, the demo line; no hardware needed.
        case synthetic
        /// ``V4L2Camera`` at ``CaptureSettings/device``.
        case v4l2
        /// ``FolderSource`` over ``CaptureSettings/folder``.
        case folder
    }

    /// The pixel format asked of a V4L2 camera.
    public enum FormatPreference: String, CaseIterable, Sendable {
        /// MJPEG on USB cameras when offered (less USB bandwidth), else YUYV, else GREY (see
        /// ``FormatChoice``).
        case auto
        case mjpeg
        case yuyv
        case grey
    }

    /// Settings of the synthetic line.
    public struct Synthetic: Sendable, Equatable {
        /// Seed of the part and defect generator: the same seed gives the same parts.
        public var seed: UInt64
        /// Fraction of parts that carry a defect, 0...1.
        public var defectRate: Double
        /// What the line makes.
        public var product: SyntheticProduct

        public init(seed: UInt64 = 42, defectRate: Double = 0.1, product: SyntheticProduct = .bottleCap) {
            self.seed = seed
            self.defectRate = defectRate
            self.product = product
        }
    }

    public var source: Source
    /// V4L2 device node; `/dev/v4l/by-id/...` survives replugging.
    public var device: String?
    public var format: FormatPreference
    /// Frame width asked of the source, pixels.
    public var width: Int
    /// Frame height asked of the source, pixels.
    public var height: Int
    /// Frames per second asked of the source.
    public var fps: Int
    /// V4L2 buffers to request; at least 4 are always requested so the driver never starves
    /// while one frame is being copied out.
    public var buffers: Int
    /// Milliseconds without a frame before the camera counts as lost and is reopened.
    public var timeoutMs: Int
    /// V4L2 controls by `v4l2-ctl` name, set after the format.
    public var controls: [String: Int]
    /// Folder of images for the folder source.
    public var folder: String?
    /// Whether the folder source starts over after its last image.
    public var loop: Bool
    public var synthetic: Synthetic

    /// The demo line's camera: synthetic VGA at 30 fps.
    public init(source: Source = .synthetic, device: String? = nil, format: FormatPreference = .auto,
                width: Int = 640, height: Int = 480, fps: Int = 30, buffers: Int = 4, timeoutMs: Int = 2000,
                controls: [String: Int] = [:], folder: String? = nil, loop: Bool = false,
                synthetic: Synthetic = Synthetic()) {
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
