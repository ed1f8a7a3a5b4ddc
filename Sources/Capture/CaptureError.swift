/// Why a frame source could not start or stopped delivering. Every message is one sentence.
public enum CaptureError: Error, Equatable, CustomStringConvertible {
    /// A system call failed (open, ioctl, mmap, poll).
    case system(SystemCallError)
    /// The node exists but is not a single-planar video capture device that can stream.
    case notACaptureDevice(path: String, reason: String)
    /// The camera offers none of the formats asked for.
    case formatNotOffered(path: String, wanted: String, offered: [PixelFormat])
    /// No frame arrived within the configured timeout.
    case timeout(path: String, milliseconds: Int)
    /// The driver flagged an error on the stream (POLLERR without an errno).
    case streamFailed(path: String, reason: String)
    /// The settings lack something this source needs.
    case misconfigured(String)
    /// The folder cannot be listed or holds no images.
    case folder(path: String, reason: String)
    /// The frame cannot be decoded: corrupt, truncated or inconsistent with its format.
    case corruptFrame(String)

    public var description: String {
        switch self {
        case .system(let error): return error.description
        case .notACaptureDevice(let path, let reason): return "\(path) is not a usable capture device: \(reason)"
        case .formatNotOffered(let path, let wanted, let offered):
            return "\(path) does not offer \(wanted) (it offers \(offered.map(\.description).joined(separator: ", ")))"
        case .timeout(let path, let milliseconds): return "no frame from \(path) for \(milliseconds) ms"
        case .streamFailed(let path, let reason): return "stream of \(path) failed: \(reason)"
        case .misconfigured(let reason): return reason
        case .folder(let path, let reason): return "folder \(path): \(reason)"
        case .corruptFrame(let reason): return "corrupt frame: \(reason)"
        }
    }
}
