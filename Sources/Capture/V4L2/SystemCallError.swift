import Glibc

/// A failed system or V4L2 call: the operation, the device it was aimed at and `errno`.
///
/// The message carries `strerror` text so a log line reads on its own:
/// `VIDIOC_DQBUF on /dev/video0: No such device (errno 19)`.
public struct SystemCallError: Error, Equatable, CustomStringConvertible {
    /// What was attempted, e.g. `open`, `VIDIOC_S_FMT`, `mmap buffer 2`.
    public var operation: String
    /// The device node or file the call was about; empty when none.
    public var path: String
    /// The `errno` value.
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Captures the current `errno`.
    static func current(_ operation: String, path: String) -> SystemCallError {
        SystemCallError(operation: operation, path: path, code: errno)
    }

    /// True when the errno says the device went away (unplugged, driver unbound, USB reset):
    /// the camera must be closed and reopened rather than retried in place.
    public var isDeviceGone: Bool {
        code == ENODEV || code == EIO || code == ENXIO || code == ENOENT || code == ESHUTDOWN
    }

    /// The `strerror` text of ``code``.
    public var reason: String {
        String(cString: strerror(code))
    }

    public var description: String {
        let target = path.isEmpty ? "" : " on \(path)"
        return "\(operation)\(target): \(reason) (errno \(code))"
    }
}
