/// Whether the archive can keep images.
public enum ArchiveHealth: Sendable, Equatable {
    /// Images are written.
    case ok
    /// Images are not kept (the disk is full, read-only or missing); the line goes on and the
    /// archive retries every ``ImageArchive/Options/retryInterval``.
    case degraded(reason: String)

    /// `ok` or `degraded: <reason>`, for the status and logs.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .degraded(let reason): "degraded: \(reason)"
        }
    }

    public var isOK: Bool { self == .ok }
}
