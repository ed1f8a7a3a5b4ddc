import CEagleShims
import Glibc
import Synchronization

/// A line EagleEdge drives (the reject valve, the ready signal). Requested inactive; set
/// inactive again and released by ``close()`` or when the last reference goes. What the line
/// does after the process dies depends on the chip's driver: see docs/wiring.md.
public final class GPIOOutput: DigitalOutput, @unchecked Sendable {
    /// The chip stays open while the line is requested.
    public let chip: GPIOChip
    public let offset: Int
    /// The line as configured (name or offset).
    public let name: String
    private let handle: Mutex<LineHandle?>

    init(chip: GPIOChip, offset: Int, name: String, handle: OpaquePointer) {
        self.chip = chip
        self.offset = offset
        self.name = name
        self.handle = Mutex(LineHandle(pointer: handle))
    }

    deinit { close() }

    /// Drives the line active or inactive (logical: active-low applied).
    public func set(_ active: Bool) throws {
        try handle.withLock { handle in
            guard let handle else { throw GPIOError("set line \(name) of \(chip.label)", code: EBADF, detail: "the line was released") }
            guard eagle_gpio_line_set_value(handle.pointer, active ? 1 : 0) == 0 else {
                throw GPIOError.errno("set line \(name) of \(chip.label)")
            }
        }
    }

    /// The level the line is driven at now (logical).
    public func isActive() throws -> Bool {
        try handle.withLock { handle in
            guard let handle else { throw GPIOError("read line \(name) of \(chip.label)", code: EBADF, detail: "the line was released") }
            let value = eagle_gpio_line_get_value(handle.pointer)
            guard value >= 0 else { throw GPIOError.errno("read line \(name) of \(chip.label)") }
            return value == 1
        }
    }

    /// Sets the line inactive and releases it; later calls do nothing.
    public func close() {
        handle.withLock { handle in
            guard let line = handle?.pointer else { return }
            _ = eagle_gpio_line_set_value(line, 0)
            eagle_gpio_line_release(line)
            handle = nil
        }
    }
}
