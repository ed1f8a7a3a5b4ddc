import Appliance
import ArgumentParser
import Foundation

/// `eagle-edge check-config [PATH]`: validates a configuration file and says which of its
/// sections this build acts on.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print the effective settings.",
        discussion: """
            Reads PATH (default: \(ConfigFile.defaultPath), or the built-in defaults when that file does not \
            exist), resolves secrets from their files or environment variables, and reports every \
            problem with its key path. Each section is marked in effect or reserved (validated, \
            but read by a part not built yet). Exit status 0 when valid, 1 otherwise.
            """
    )

    @Argument(help: "The YAML configuration file.")
    var path: String?

    @Flag(name: .shortAndLong, help: "Print only problems, not the effective settings.")
    var quiet = false

    func run() throws {
        let (config, source) = ConfigFile.load(path)
        if !quiet {
            print("configuration OK: \(source)")
            print(config.summary)
            if let note = ApplianceConfig.reservedSectionsNote { print(note) }
        }
    }
}
