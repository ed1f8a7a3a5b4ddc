import CEagleShims
import Foundation
import Glibc

/// An open GPIO chip, found by its label (never its number: the Pi 5 renumbered its header
/// chip between kernels). Closed when the last reference goes; the lines requested from it keep
/// it open. libgpiod objects are not thread-safe: use a chip from one thread at a time.
public final class GPIOChip: @unchecked Sendable {
    /// The kernel's directory of chips.
    public static let deviceDirectory = "/dev"

    let handle: OpaquePointer
    /// The device path (`/dev/gpiochip0`).
    public let path: String
    /// The chip's label (`pinctrl-rp1`, `eagle-virtual`).
    public let label: String
    /// The kernel's name for it (`gpiochip0`).
    public let name: String
    /// How many lines it has (offsets 0 ..< lineCount).
    public let lineCount: Int

    /// Opens the chip device at `path`.
    public init(path: String) throws {
        guard let handle = eagle_gpio_chip_open(path) else { throw GPIOError.errno("open \(path)") }
        self.handle = handle
        self.path = path
        label = String(cString: eagle_gpio_chip_label(handle))
        name = String(cString: eagle_gpio_chip_name(handle))
        lineCount = Int(eagle_gpio_chip_num_lines(handle))
    }

    deinit { eagle_gpio_chip_close(handle) }

    /// The chip devices present (`/dev/gpiochipN`), in number order.
    public static func devicePaths(directory: String = deviceDirectory) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("gpiochip") }
            .sorted { (Int($0.dropFirst(8)) ?? Int.max, $0) < (Int($1.dropFirst(8)) ?? Int.max, $1) }
            .map { "\(directory)/\($0)" }
    }

    /// Every chip that opens; the ones that do not are left out (a chip device without
    /// permission shows as an error when opened by label).
    public static func all(directory: String = deviceDirectory) -> [GPIOChip] {
        devicePaths(directory: directory).compactMap { try? GPIOChip(path: $0) }
    }

    /// Opens the chip labelled `label`.
    public convenience init(label: String, directory: String = deviceDirectory) throws {
        try self.init(path: try Self.path(label: label, directory: directory))
    }

    /// The device path of the chip labelled `label`; the error says which labels there are.
    public static func path(label: String, directory: String = deviceDirectory) throws -> String {
        var seen: [String] = []
        var firstError: GPIOError?
        for path in devicePaths(directory: directory) {
            do {
                let chip = try GPIOChip(path: path)
                if chip.label == label { return path }
                seen.append(chip.label)
            } catch let error as GPIOError {
                firstError = firstError ?? error
            }
        }
        let found = seen.isEmpty ? "no chip could be opened" : "chips found: \(seen.joined(separator: ", "))"
        let failed = firstError.map { "; \($0)" } ?? ""
        throw GPIOError("find the GPIO chip labelled \(label)", code: ENODEV, detail: "\(found)\(failed)")
    }

    /// The offset of `line`: its name as `gpioinfo` prints it, or an offset written as digits.
    public func offset(of line: String) throws -> Int {
        if let offset = Int(line) {
            guard offset >= 0, offset < lineCount else {
                throw GPIOError("use line \(line) of \(label)", code: EINVAL,
                                detail: "the chip has lines 0...\(lineCount - 1)")
            }
            return offset
        }
        let offset = line.withCString { eagle_gpio_chip_find_line(handle, $0) }
        guard offset >= 0 else {
            throw GPIOError("find line \(line) on \(label)", code: ENOENT,
                            detail: "no line of that name (`eagle-edge gpio list` shows the names)")
        }
        return Int(offset)
    }

    /// What the kernel says about the line at `offset` now.
    public func info(offset: Int) throws -> GPIOLineInfo {
        var info = eagle_gpio_line_info()
        guard eagle_gpio_chip_line_info(handle, UInt32(offset), &info) == 0 else {
            throw GPIOError.errno("read line \(offset) of \(label)")
        }
        return GPIOLineInfo(info)
    }

    /// Every line of the chip.
    public func lines() throws -> [GPIOLineInfo] {
        try (0..<lineCount).map { try info(offset: $0) }
    }

    /// Requests `line` as an output, inactive from the first instant (no glitch at start).
    public func requestOutput(_ line: String, activeLow: Bool = false, consumer: String = GPIOLibrary.consumer) throws -> GPIOOutput {
        let offset = try offset(of: line)
        var request = eagle_gpio_request()
        request.offset = UInt32(offset)
        request.output = 1
        request.initial_value = 0
        request.active_low = activeLow ? 1 : 0
        return GPIOOutput(chip: self, offset: offset, name: line, handle: try self.request(request, consumer: consumer, line: line))
    }

    /// Requests `line` as an input reporting `edges`; debounce only where the library has it
    /// (``GPIOLibrary/hasDebounce``).
    public func requestInput(_ line: String, activeLow: Bool = false, bias: GPIOBias = .asIs, edges: GPIOInput.Edges = .both,
                             debounceMicroseconds: Int = 0, consumer: String = GPIOLibrary.consumer) throws -> GPIOInput {
        let offset = try offset(of: line)
        var request = eagle_gpio_request()
        request.offset = UInt32(offset)
        request.active_low = activeLow ? 1 : 0
        request.bias = bias.shim
        request.edges = edges.shim
        request.debounce_us = UInt32(clamping: max(debounceMicroseconds, 0))
        return GPIOInput(chip: self, offset: offset, name: line, edges: edges,
                         handle: try self.request(request, consumer: consumer, line: line))
    }

    private func request(_ request: eagle_gpio_request, consumer: String, line: String) throws -> OpaquePointer {
        var request = request
        guard let handle = consumer.withCString({ eagle_gpio_line_request(handle, $0, &request) }) else {
            throw GPIOError.errno("request line \(line) of \(label)")
        }
        return handle
    }
}
