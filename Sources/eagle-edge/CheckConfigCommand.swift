import Appliance
import ArgumentParser
import Explain
import Foundation

/// `eagle-edge check-config [PATH] [--probe]`: validates a configuration file and says which of
/// its sections this build acts on; with `--probe`, also connects to the services it names.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print the effective settings.",
        discussion: """
            Reads PATH (default: \(ConfigFile.defaultPath), or the built-in defaults when that file does not \
            exist), resolves secrets from their files or environment variables, and reports every \
            problem with its key path. Each section is marked in effect or reserved (validated, \
            but read by a part not built yet). With --probe, connects to the MQTT broker when \
            mqtt.enabled is true and reports each step: DNS, TCP, TLS (certificate and host name), \
            authentication, and permission to publish (QoS 1 to {prefix}/{line}/{station}/probe); and \
            asks the MLLM endpoint (mllm.endpoint), when one is set, for its models with the key. \
            Exit status 0 when valid (and every probe passed), 1 otherwise.
            """
    )

    @Argument(help: "The YAML configuration file.")
    var path: String?

    @Flag(name: .shortAndLong, help: "Print only problems, not the effective settings.")
    var quiet = false

    @Flag(help: "Also connect to the configured broker and the MLLM endpoint and say what works and what does not.")
    var probe = false

    @Option(help: "With --probe: seconds to wait for each network step.")
    var timeout: Double = 5

    func run() throws {
        let (config, source) = ConfigFile.load(path)
        if !quiet {
            print("configuration OK: \(source)")
            print(config.summary)
            if let note = ApplianceConfig.reservedSectionsNote { print(note) }
        }
        guard probe else { return }
        let checks = ConnectionCheck.all(config, timeoutSeconds: max(timeout, 0.1))
        for check in checks {
            print(check.report)
        }
        var failed = checks.filter { !$0.passed }.map(\.service)
        if let url = config.mllm.endpoint {
            let endpoint = ChatEndpoint(baseURL: url.absoluteString, apiKey: config.mllm.apiKey?.revealed)
            let finding = EndpointProbe.probe(endpoint, model: config.mllm.model, timeout: Double(config.mllm.timeoutS))
            print("mllm probe: \(finding)")
            if !finding.reachable { failed.append("mllm") }
        } else if checks.isEmpty {
            print("probe: nothing to connect to (mqtt.enabled is false and mllm.endpoint is not set)")
        }
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("eagle-edge: probe failed: \(failed.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
    }
}
