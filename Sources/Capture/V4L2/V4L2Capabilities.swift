import CV4L2

/// What `VIDIOC_QUERYCAP` says about a device node.
public struct V4L2Capabilities: Sendable, Equatable {
    /// Driver name, e.g. `uvcvideo`, `vivid`.
    public var driver: String
    /// The device's name, e.g. `HD Pro Webcam C920`.
    public var card: String
    /// Where it sits, e.g. `usb-0000:01:00.0-1.3`, `platform:vivid-000`.
    public var busInfo: String
    /// The driver's version as `major.minor.patch` (the kernel version for in-tree drivers).
    public var version: String
    /// Capabilities of this node (`device_caps` when the driver fills it, else `capabilities`).
    public var deviceCaps: UInt32

    init(_ raw: v4l2_capability) {
        driver = Self.text(raw.driver)
        card = Self.text(raw.card)
        busInfo = Self.text(raw.bus_info)
        version = "\(raw.version >> 16).\((raw.version >> 8) & 0xFF).\(raw.version & 0xFF)"
        deviceCaps = raw.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? raw.device_caps : raw.capabilities
    }

    /// Memberwise, for tests and synthetic descriptions.
    public init(driver: String, card: String, busInfo: String, version: String, deviceCaps: UInt32) {
        self.driver = driver
        self.card = card
        self.busInfo = busInfo
        self.version = version
        self.deviceCaps = deviceCaps
    }

    /// Single-planar video capture: the only kind of node we stream from.
    public var isVideoCapture: Bool { has(V4L2_CAP_VIDEO_CAPTURE) }
    /// Multi-planar capture only (ISP pipelines such as the Raspberry Pi's): not supported.
    public var isMultiplanarOnly: Bool { has(V4L2_CAP_VIDEO_CAPTURE_MPLANE) && !isVideoCapture }
    /// Video output (vivid's loopback source in the integration tests).
    public var isVideoOutput: Bool { has(V4L2_CAP_VIDEO_OUTPUT) }
    /// Buffers can be streamed (mmap), which the capture loop needs.
    public var canStream: Bool { has(V4L2_CAP_STREAMING) }
    /// The camera hangs off USB: prefer MJPEG there, USB 2 cannot carry raw VGA at 30 fps and more.
    public var isUSB: Bool { busInfo.hasPrefix("usb-") }

    /// Human-readable names of the capability bits set, for listings.
    public var capabilityNames: [String] {
        let names: [(Int32, String)] = [
            (V4L2_CAP_VIDEO_CAPTURE, "video-capture"), (V4L2_CAP_VIDEO_CAPTURE_MPLANE, "video-capture-mplane"),
            (V4L2_CAP_VIDEO_OUTPUT, "video-output"), (V4L2_CAP_VIDEO_OUTPUT_MPLANE, "video-output-mplane"),
            (V4L2_CAP_VIDEO_M2M, "video-m2m"), (V4L2_CAP_META_CAPTURE, "metadata-capture"),
            (V4L2_CAP_VBI_CAPTURE, "vbi-capture"), (V4L2_CAP_TUNER, "tuner"), (V4L2_CAP_AUDIO, "audio"),
            (V4L2_CAP_READWRITE, "read-write"), (V4L2_CAP_STREAMING, "streaming"),
            (V4L2_CAP_EXT_PIX_FORMAT, "extended-pix-format"),
        ]
        return names.filter { has($0.0) }.map(\.1)
    }

    private func has(_ bit: Int32) -> Bool { deviceCaps & UInt32(bitPattern: bit) != 0 }

    /// A fixed-size, NUL-padded C char array as text.
    static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
