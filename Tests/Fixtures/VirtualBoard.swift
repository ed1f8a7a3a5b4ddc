import Capture
import Foundation
import Glibc

/// The virtual board's camera as the guest tests see it (Board/virtual/README.md): vivid's
/// HDMI capture and output nodes, found through the variables `Board/virtual/run.sh` sets, and
/// the module itself, which a test unbinds, removes and loads again to unplug the camera.
public struct VirtualBoard: Sendable {
    /// What `run.sh` loads vivid with: one instance, an HDMI capture and an HDMI output node.
    public static let defaultVividParameters =
        "n_devs=1 node_types=0x101 input_types=0x3 output_types=0x1 no_error_inj=1 ccs_cap_mode=0 ccs_out_mode=0"
    /// Why a guest-only test skips elsewhere.
    public static let notHere = "not on the virtual board (set EAGLE_VIRTUAL_BOARD=1 inside Board/virtual/run.sh)"
    /// The stable name udev gives vivid's capture node, when udev runs.
    public static let captureByPath = "/dev/v4l/by-path/platform-vivid.0-video-index0"

    /// A device node the board should have is not there.
    public struct MissingDevice: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "\(path) is missing: is vivid loaded (\(VirtualBoard.defaultVividParameters))?" }
    }

    public let capturePath: String
    public let outputPath: String
    /// The parameters vivid was loaded with, to load it again alike.
    public let vividParameters: String

    public init(capturePath: String, outputPath: String, vividParameters: String = Self.defaultVividParameters) {
        self.capturePath = capturePath
        self.outputPath = outputPath
        self.vividParameters = vividParameters
    }

    /// The board described by `environment`; nil unless `EAGLE_VIRTUAL_BOARD=1` (not in the guest).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment["EAGLE_VIRTUAL_BOARD"] == "1" else { return nil }
        capturePath = environment["EAGLE_VIVID_CAPTURE"] ?? "/dev/video0"
        outputPath = environment["EAGLE_VIVID_OUTPUT"] ?? "/dev/video1"
        vividParameters = environment["EAGLE_VIVID_PARAMS"] ?? Self.defaultVividParameters
    }

    /// The board from the environment with its capture prepared for loopback (input 0, the
    /// first DV timings), for a test's set-up; nil when not on the virtual board (the test
    /// skips). Throws ``MissingDevice`` when a vivid node is missing: on the board that is a
    /// failure, never a skip.
    public static func prepared() throws -> VirtualBoard? {
        guard let board = VirtualBoard() else { return nil }
        for path in [board.capturePath, board.outputPath] where !FileManager.default.fileExists(atPath: path) {
            throw MissingDevice(path: path)
        }
        try board.prepareCapture()
        return board
    }

    /// Input 0 (HDMI) at the first DV timings, as ``VividOutput`` sets the output: loopback
    /// needs both equal. A reloaded vivid is back at its default timings, so call it again then.
    public func prepareCapture() throws {
        let capture = try V4L2Device(path: capturePath, access: .direct)
        try capture.selectInput(0)
        _ = try capture.selectFirstDVTimings()
    }

    // MARK: - Unplugging

    /// What a shell command printed (stdout and stderr) and its exit status.
    public struct CommandOutcome: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Unbinds vivid's device from its driver, as a USB unplug would: open nodes fail with
    /// ENODEV from then on and the nodes disappear. The module stays loaded (busy while a
    /// program still holds a node) until ``removeVivid()``.
    public func unbindVivid() throws {
        let unbind = "/sys/bus/platform/drivers/vivid/unbind"
        if FileManager.default.fileExists(atPath: unbind) {
            try Data("vivid.0".utf8).write(to: URL(fileURLWithPath: unbind))
        }
    }

    /// Removes the vivid module, retrying for up to 5 s while a program still holds a node of
    /// the unbound device (it closes it once it sees the device gone).
    public func removeVivid() throws -> CommandOutcome {
        var removed = try shell("\(modprobeCommand()) -r vivid")
        for _ in 0..<20 where removed.status != 0 {
            usleep(250_000)
            removed = try shell("\(modprobeCommand()) -r vivid")
        }
        return removed
    }

    /// Loads vivid again with the board's parameters: the camera is plugged back in.
    public func loadVivid() throws -> CommandOutcome {
        try shell("\(modprobeCommand()) vivid \(vividParameters)")
    }

    /// `modprobe`, pointed at the guest kernel's module tree when the root filesystem (the
    /// host's) has none: `EAGLE_VIRTUAL_MODULES`, or the board's kernel cache.
    private func modprobeCommand() -> String {
        var release = utsname()
        uname(&release)
        let kernel = withUnsafeBytes(of: release.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if FileManager.default.fileExists(atPath: "/lib/modules/\(kernel)/modules.dep") { return "modprobe" }
        let root = ProcessInfo.processInfo.environment["EAGLE_VIRTUAL_MODULES"]
            ?? "/var/cache/eagle-edge/virtual/kernel-\(kernel)/root"
        return "modprobe -d \(root)"
    }

    /// Runs `command` with `/bin/sh`, stderr merged into stdout (read before waiting, so a
    /// long output never blocks on a full pipe).
    private func shell(_ command: String) throws -> CommandOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>&1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandOutcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
