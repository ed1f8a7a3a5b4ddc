import LinkedLibraries
import ArgumentParser

/// `eagle-edge version`: this build and the C libraries it runs on.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version and the linked C libraries (libjpeg-turbo, libgpiod, ...)."
    )

    func run() {
        print("eagle-edge \(EagleEdgeVersion.string)")
        for library in NativeLibraries.linked() {
            print("  \(library.name): \(library.version)")
        }
    }
}
