import Glibc

/// A one-shot "stop now" flag that blocking waits can include in their `poll(2)` set.
///
/// A pipe rather than a condition variable: the camera waits in `poll` on its device node, and
/// only a descriptor lets that wait end the moment ``signal()`` is called instead of when the
/// frame timeout runs out. Once signalled it stays signalled (nothing ever reads the pipe).
public final class StopSignal: @unchecked Sendable {
    // Both descriptors are written once in init and only closed in deinit; `write(2)` and
    // `poll(2)` on them are thread-safe, hence @unchecked Sendable.
    private let readEnd: Int32
    private let writeEnd: Int32

    /// - Throws: ``SystemCallError`` when the process is out of descriptors.
    public init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw SystemCallError.current("pipe", path: "")
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            // Glibc's module does not export pipe2; these cannot fail on a descriptor we own.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// The descriptor that becomes readable once signalled; for a caller's own `poll` set.
    public var descriptor: Int32 { readEnd }

    /// Wakes every current and future wait. Safe from any thread, any number of times.
    public func signal() {
        var byte: UInt8 = 1
        // A full pipe (EAGAIN) already means "signalled"; nothing else can fail here.
        _ = write(writeEnd, &byte, 1)
    }

    /// True once ``signal()`` has been called.
    public var isSignalled: Bool { wait(nanoseconds: 0) }

    /// Sleeps up to `nanoseconds`; returns true as soon as the signal is raised (then without
    /// waiting the full time), false when the time ran out.
    @discardableResult
    public func wait(nanoseconds: UInt64) -> Bool {
        let deadline = MonotonicClock.now() &+ nanoseconds
        while true {
            let now = MonotonicClock.now()
            let remaining = deadline > now ? deadline - now : 0
            // poll has millisecond resolution: round up so we never return early.
            let milliseconds = Int32(clamping: (remaining + 999_999) / 1_000_000)
            var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
            if ready == 0 && MonotonicClock.now() >= deadline { return false }
        }
    }
}
