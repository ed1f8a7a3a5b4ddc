import CEagleShims
import CV4L2
import Glibc

/// An open V4L2 device node. Closes itself when released.
///
/// A thin typed wrapper over the C shim in the manner of swift-system's `FileDescriptor`:
/// every call that fails throws a ``SystemCallError`` naming the request. Not thread-safe: one
/// owner drives it (the capture thread).
public final class V4L2Device {
    /// How the node is opened.
    public enum Access: Sendable {
        /// Through libv4l2 (`v4l2_open`): it can convert formats the camera has but we cannot
        /// decode (Bayer, vendor codecs) into RGB24, and lists such emulated formats too.
        case libv4l2
        /// Plain `open(2)`: the driver's own view, as `v4l2-ctl` shows it, and nothing printed
        /// by libv4l2 when the node is not a V4L2 device at all.
        case direct
    }

    /// The path it was opened with (a stable `/dev/v4l/by-id/...` link or `/dev/videoN`).
    public let path: String
    /// The open descriptor; -1 after ``close()``.
    public private(set) var descriptor: Int32

    /// Opens `path` read-write, non-blocking (waits happen in ``poll(timeoutMilliseconds:stop:)``).
    public init(path: String, access: Access = .libv4l2) throws {
        let flags = O_RDWR | O_NONBLOCK | O_CLOEXEC
        let fd: Int32
        switch access {
        case .libv4l2: fd = eagle_v4l2_open(path, flags)
        case .direct: fd = Glibc.open(path, flags)
        }
        guard fd >= 0 else { throw SystemCallError.current("open", path: path) }
        self.path = path
        self.descriptor = fd
    }

    deinit { close() }

    /// Closes the node now; later calls fail with EBADF. Idempotent.
    public func close() {
        guard descriptor >= 0 else { return }
        _ = eagle_v4l2_close(descriptor)
        descriptor = -1
    }

    /// Issues `request` with `argument`; throws with `name` (e.g. "VIDIOC_S_FMT") on failure.
    public func ioctl<Argument>(_ request: UInt, _ name: String, _ argument: inout Argument) throws {
        guard try tryIOCTL(request, name, &argument) else {
            throw SystemCallError(operation: name, path: path, code: EINVAL)
        }
    }

    /// Issues `request`; returns false when the driver answers EINVAL — how enumerations
    /// (`VIDIOC_ENUM_FMT`, `VIDIOC_QUERYMENU`...) say "no more entries" — and throws on any
    /// other error.
    public func tryIOCTL<Argument>(_ request: UInt, _ name: String, _ argument: inout Argument) throws -> Bool {
        let result = withUnsafeMutablePointer(to: &argument) { eagle_v4l2_ioctl(descriptor, request, $0) }
        if result == 0 { return true }
        let code = errno
        if code == EINVAL { return false }
        throw SystemCallError(operation: name, path: path, code: code)
    }

    /// The driver's identity and capabilities (`VIDIOC_QUERYCAP`).
    public func capabilities() throws -> V4L2Capabilities {
        var raw = v4l2_capability()
        try ioctl(EAGLE_VIDIOC_QUERYCAP, "VIDIOC_QUERYCAP", &raw)
        return V4L2Capabilities(raw)
    }

    /// What a wait on the device ended with.
    public enum Readiness: Equatable, Sendable {
        /// A buffer can be dequeued (POLLIN for capture, POLLOUT for output).
        case ready
        /// Nothing within the timeout.
        case timedOut
        /// The stop signal was raised.
        case stopped
        /// The driver flagged an error (POLLERR/POLLHUP): not streaming, or the device is gone.
        case failed
    }

    /// Waits for `events` (POLLIN or POLLOUT) for up to `timeoutMilliseconds`, or until `stop`.
    public func poll(for events: Int16 = Int16(POLLIN), timeoutMilliseconds: Int, stop: StopSignal?) throws -> Readiness {
        let deadline = MonotonicClock.now() &+ UInt64(max(0, timeoutMilliseconds)) * 1_000_000
        var entries = [pollfd(fd: descriptor, events: events, revents: 0)]
        if let stop { entries.append(pollfd(fd: stop.descriptor, events: Int16(POLLIN), revents: 0)) }
        while true {
            let now = MonotonicClock.now()
            let remaining = Int32(clamping: ((deadline > now ? deadline - now : 0) + 999_999) / 1_000_000)
            for i in entries.indices { entries[i].revents = 0 }
            let count = Glibc.poll(&entries, nfds_t(entries.count), remaining)
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError.current("poll", path: path)
            }
            if entries.count > 1 && entries[1].revents != 0 { return .stopped }
            let revents = entries[0].revents
            if revents & events != 0 { return .ready }
            if revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return .failed }
            if count == 0 && MonotonicClock.now() >= deadline { return .timedOut }
        }
    }
}
