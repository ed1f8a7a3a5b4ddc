import Appliance
import ArgumentParser
import Explain
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
            but read by a part not built yet). With --probe, also asks the MLLM endpoint (mllm.endpoint) \
            for its models, with the key. Exit status 0 when valid (and reachable), 1 otherwise.
            """
    )

    @Argument(help: "The YAML configuration file.")
    var path: String?

    @Flag(name: .shortAndLong, help: "Print only problems, not the effective settings.")
    var quiet = false

    @Flag(help: "Also try the MLLM endpoint (GET {mllm.endpoint}/models with the key).")
    var probe = false

    func run() throws {
        let (config, source) = ConfigFile.load(path)
        if !quiet {
            print("configuration OK: \(source)")
            print(config.summary)
            if let note = ApplianceConfig.reservedSectionsNote { print(note) }
        }
        if probe, let url = config.mllm.endpoint {
            let endpoint = ChatEndpoint(baseURL: url.absoluteString, apiKey: config.mllm.apiKey?.revealed)
            let finding = EndpointProbe.probe(endpoint, model: config.mllm.model, timeout: Double(config.mllm.timeoutS))
            print("mllm probe: \(finding)")
            if !finding.reachable { throw ExitCode.failure }
        } else if probe {
            print("mllm probe: no endpoint configured (mllm.endpoint)")
        }
    }
}
