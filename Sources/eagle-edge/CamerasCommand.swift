import ArgumentParser
import Capture

/// `eagle-edge cameras`: the V4L2 capture devices of this machine, as `v4l2-ctl
/// --list-formats-ext --list-ctrls-menus` would show them, to pick `camera.device`,
/// `camera.format`, size, rate and `camera.controls`.
struct CamerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cameras",
        abstract: "List the V4L2 capture devices: stable ids, formats, sizes, frame rates and controls.",
        discussion: """
            Put one of the stable ids (/dev/v4l/by-id/...) in camera.device: /dev/videoN numbers \
            change between boots and replugs. A device that cannot be opened is reported and the \
            others are still listed; the exit status is then 1. No camera at all is not an error.
            """
    )

    @Flag(help: "One JSON document instead of text.")
    var json = false

    // For tests: a directory standing in for /dev.
    @Option(help: .hidden)
    var deviceDirectory = "/dev"

    func run() throws {
        let scan = CameraInventory.scan(deviceDirectory: deviceDirectory)
        if json {
            print(try CameraListingJSON.render(scan))
        } else if scan.cameras.isEmpty {
            let unreadable = scan.failures.isEmpty ? "" : "; \(scan.failures.count) node(s) could not be queried, see below"
            print("no V4L2 capture device found (looked for \(deviceDirectory)/video*\(unreadable))")
            print(CameraListingText.render(scan), terminator: "")
        } else {
            print(CameraListingText.render(scan), terminator: "")
        }
        for failure in scan.failures {
            Diagnostics.warn("\(failure.path): \(failure.text)")
        }
        if !scan.failures.isEmpty { throw ExitCode.failure }
    }
}
