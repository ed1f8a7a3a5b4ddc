/// The images kept of a part, as paths relative to the archive directory (`storage.images_dir`),
/// so that the archive can move without rewriting the journal. Nil when not kept (a good part
/// outside the audit sample, or archiving degraded).
public struct ArchivedImages: Sendable, Equatable, Codable {
    /// The frame as captured (JPEG).
    public var frame: String?
    /// The frame with the anomaly map and the suspect boxes drawn on it (JPEG).
    public var overlay: String?

    public init(frame: String? = nil, overlay: String? = nil) {
        self.frame = frame
        self.overlay = overlay
    }
}
