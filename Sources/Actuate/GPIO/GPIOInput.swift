import CEagleShims
import Glibc
import Synchronization

/// A line EagleEdge reads (photo-eye, encoder, reject-confirm), with its edges as kernel
/// events stamped on CLOCK_MONOTONIC. Released by ``close()`` or when the last reference goes.
public final class GPIOInput: @unchecked Sendable {
    /// Which changes the kernel reports.
    public enum Edges: String, Sendable, CaseIterable {
        case none, rising, falling, both

        var shim: Int32 {
            switch self {
            case .none: Int32(EAGLE_GPIO_EDGES_NONE.rawValue)
            case .rising: Int32(EAGLE_GPIO_EDGES_RISING.rawValue)
            case .falling: Int32(EAGLE_GPIO_EDGES_FALLING.rawValue)
            case .both: Int32(EAGLE_GPIO_EDGES_BOTH.rawValue)
            }
        }
    }

    public let chip: GPIOChip
    public let offset: Int
    public let name: String
    public let edges: Edges
    private let handle: Mutex<LineHandle?>
    /// The descriptor that polls readable while edges wait; -1 without edges.
    public let fileDescriptor: Int32

    init(chip: GPIOChip, offset: Int, name: String, edges: Edges, handle: OpaquePointer) {
        self.chip = chip
        self.offset = offset
        self.name = name
        self.edges = edges
        fileDescriptor = edges == .none ? -1 : eagle_gpio_line_fd(handle)
        self.handle = Mutex(LineHandle(pointer: handle))
    }

    deinit { close() }

    /// The line's logical level now.
    public func isActive() throws -> Bool {
        try handle.withLock { handle in
            guard let handle else { throw GPIOError("read line \(name) of \(chip.label)", code: EBADF, detail: "the line was released") }
            let value = eagle_gpio_line_get_value(handle.pointer)
            guard value >= 0 else { throw GPIOError.errno("read line \(name) of \(chip.label)") }
            return value == 1
        }
    }

    /// Waits up to `timeout` seconds for edges and returns those waiting (empty on timeout).
    public func waitForEdges(timeout: Double) throws -> [GPIOEdge] {
        guard fileDescriptor >= 0 else { return [] }
        var poller = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: Int((max(timeout, 0) * 1000).rounded(.up)))
        let ready = poll(&poller, 1, milliseconds)
        if ready < 0 {
            if errno == EINTR { return [] }
            throw GPIOError.errno("wait for edges on line \(name) of \(chip.label)")
        }
        return ready == 0 ? [] : try readEdges()
    }

    /// The edges waiting now; blocks when none waits (poll ``fileDescriptor`` first).
    public func readEdges() throws -> [GPIOEdge] {
        try handle.withLock { handle in
            guard let handle else { throw GPIOError("read edges of line \(name) of \(chip.label)", code: EBADF, detail: "the line was released") }
            var buffer = [eagle_gpio_edge](repeating: eagle_gpio_edge(), count: 16)
            let count = eagle_gpio_line_read_edges(handle.pointer, &buffer, Int32(buffer.count))
            guard count >= 0 else { throw GPIOError.errno("read edges of line \(name) of \(chip.label)") }
            return buffer.prefix(Int(count)).map {
                GPIOEdge(timestampNanoseconds: $0.timestamp_ns, rising: $0.rising != 0, sequence: $0.sequence)
            }
        }
    }

    /// Releases the line; later calls do nothing.
    public func close() {
        handle.withLock { handle in
            if let line = handle?.pointer { eagle_gpio_line_release(line) }
            handle = nil
        }
    }
}
