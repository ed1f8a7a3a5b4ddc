import Actuate
import ArgumentParser
import Foundation
import Glibc

/// `eagle-edge gpio`: the GPIO chips and lines of this machine, a test pulse for the actuator,
/// and the edges of inputs, to wire and check `reject.*` without the line running.
struct GPIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio",
        abstract: "List GPIO chips and lines, pulse an output, watch inputs.",
        discussion: """
            A line is written CHIP:LINE, with the chip's label as `gpio list` shows it and the \
            line's name or offset (pinctrl-rp1:GPIO17, eagle-virtual:1), or as a bare line name \
            found on any chip. Lines are requested as consumer "eagle-edge"; a line the running \
            appliance holds is busy.
            """,
        subcommands: [GPIOListCommand.self, GPIOPulseCommand.self, GPIOWatchCommand.self]
    )
}

/// A line named on the command line, opened on its chip.
struct GPIOLineReference {
    let chip: GPIOChip
    let line: String

    init(_ text: String, directory: String) throws {
        if let colon = text.lastIndex(of: ":") {
            chip = try GPIOChip(label: String(text[..<colon]), directory: directory)
            line = String(text[text.index(after: colon)...])
            _ = try chip.offset(of: line)
            return
        }
        for candidate in GPIOChip.all(directory: directory) where (try? candidate.offset(of: text)) != nil && Int(text) == nil {
            chip = candidate
            line = text
            return
        }
        throw ValidationError("no chip has a line named \(text); write CHIP:LINE (`eagle-edge gpio list` shows both)")
    }

    var label: String { "\(chip.label):\(line)" }
}

struct GPIOListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The GPIO chips by label, and each line's name, direction and consumer."
    )

    @Option(help: .hidden)
    var deviceDirectory = GPIOChip.deviceDirectory

    func run() throws {
        let paths = GPIOChip.devicePaths(directory: deviceDirectory)
        print("libgpiod \(GPIOLibrary.version) (API v\(GPIOLibrary.apiMajor))")
        if paths.isEmpty { print("no GPIO chip found (looked for \(deviceDirectory)/gpiochip*)") }
        var failed = false
        for path in paths {
            do {
                let chip = try GPIOChip(path: path)
                print("\(chip.name) [\(chip.label)] \(chip.lineCount) lines (\(path))")
                for info in try chip.lines() {
                    var flags: [String] = []
                    if info.isActiveLow { flags.append("active-low") }
                    if info.bias != .asIs { flags.append(info.bias.rawValue) }
                    let consumer = info.consumer.map { "\"\($0)\"" } ?? (info.isUsed ? "used" : "unused")
                    let name = info.name.map { "\"\($0)\"" } ?? "unnamed"
                    let text = "  line \(String(info.offset).leftPadded(to: 3)): \(name.rightPadded(to: 18)) \(info.isOutput ? "output" : "input ")  \(consumer)"
                    print(flags.isEmpty ? text : "\(text)  [\(flags.joined(separator: ", "))]")
                }
            } catch {
                Diagnostics.warn("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}

struct GPIOPulseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulse",
        abstract: "Drive an output active for a while, then inactive (test the reject valve)."
    )

    @Argument(help: "The output, CHIP:LINE.")
    var line: String

    @Option(help: "How long the output is held active, in milliseconds.")
    var ms = 50

    @Flag(help: "The output is active when low.")
    var activeLow = false

    @Option(help: .hidden)
    var deviceDirectory = GPIOChip.deviceDirectory

    func run() throws {
        guard (1...60_000).contains(ms) else { throw ValidationError("--ms must be 1...60000") }
        do {
            let reference = try GPIOLineReference(line, directory: deviceDirectory)
            let output = try reference.chip.requestOutput(reference.line, activeLow: activeLow)
            defer { output.close() }
            let start = MonotonicTime.now()
            try output.set(true)
            MonotonicTime.sleep(until: start + UInt64(ms) * 1_000_000)
            try output.set(false)
            let held = Double(MonotonicTime.now() - start) / 1e6
            print(String(format: "pulsed %@ for %.1f ms", reference.label, held))
        } catch let error as ValidationError {
            throw error
        } catch {
            Diagnostics.fail("\(error)")
        }
    }
}

struct GPIOWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print the edges of inputs with their CLOCK_MONOTONIC timestamps.",
        discussion: "One line per edge: timestamp in seconds, the line, rising or falling, the line's event number."
    )

    @Argument(help: "The inputs, CHIP:LINE.")
    var lines: [String]

    @Option(help: "Stop after this many edges (0: until interrupted).")
    var count = 0

    @Option(help: "Stop after this many seconds (0: until interrupted).")
    var seconds = 0.0

    @Flag(help: "The inputs are active when low.")
    var activeLow = false

    @Option(help: "The inputs' internal resistor: as_is, disabled, pull_up or pull_down.")
    var bias = GPIOBias.asIs.rawValue

    @Option(help: .hidden)
    var deviceDirectory = GPIOChip.deviceDirectory

    func run() throws {
        guard let bias = GPIOBias(rawValue: bias) else { throw ValidationError("--bias must be as_is, disabled, pull_up or pull_down") }
        let inputs: [(String, GPIOInput)]
        do {
            inputs = try lines.map { text in
                let reference = try GPIOLineReference(text, directory: deviceDirectory)
                return (reference.label, try reference.chip.requestInput(reference.line, activeLow: activeLow, bias: bias, edges: .both))
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            Diagnostics.fail("\(error)")
        }
        let end = seconds > 0 ? MonotonicTime.now() + UInt64(seconds * 1e9) : UInt64.max
        var seen = 0
        var fds = inputs.map { pollfd(fd: $0.1.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        while (count == 0 || seen < count) && MonotonicTime.now() < end {
            let left = end == .max ? 1000 : Int32(clamping: Int((end - min(end, MonotonicTime.now())) / 1_000_000) + 1)
            let ready = poll(&fds, nfds_t(fds.count), min(1000, left))
            if ready < 0 && errno != EINTR { Diagnostics.fail("poll: \(String(cString: strerror(errno)))") }
            guard ready > 0 else { continue }
            for (index, (label, input)) in inputs.enumerated() where fds[index].revents != 0 {
                let edges: [GPIOEdge]
                do { edges = try input.readEdges() } catch { Diagnostics.fail("\(error)") }
                for edge in edges where count == 0 || seen < count {
                    let seconds = Double(edge.timestampNanoseconds) / 1e9
                    // Written at once, not buffered: a script or a test reads the edges as they come.
                    let text = String(format: "%.6f %@ %@ %llu\n", seconds, label, edge.rising ? "rising" : "falling", edge.sequence)
                    FileHandle.standardOutput.write(Data(text.utf8))
                    seen += 1
                }
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
