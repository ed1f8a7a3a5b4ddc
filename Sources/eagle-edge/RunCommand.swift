import Appliance
import ArgumentParser

/// `eagle-edge run`: the configured line, until stopped.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the inspection line: capture, expert, decision, journal.",
        discussion: """
            Runs the line the configuration describes (default: \(ConfigFile.defaultPath), or the \
            built-in defaults, the synthetic demo line, when that file does not exist) until \
            SIGINT or SIGTERM, which finish the part in hand and exit 0. Shows a live status on a \
            terminal and writes log lines otherwise; ends with a summary.
            """
    )

    @Option(help: "The YAML configuration file.")
    var config: String?

    @Option(help: "The converted EfficientNet-Lite0 weights (default: $EAGLE_WEIGHTS, .cache/weights/ in the checkout, /usr/share/eagle-edge/).")
    var weights: String?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(help: "Stop after this many parts.")
    var parts: Int?

    @Option(help: "Write the run's summary as JSON to this file.")
    var jsonSummary: String?

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if let parts, parts <= 0 { throw ValidationError("--parts must be a positive number") }
    }

    func run() throws {
        let (config, source) = ConfigFile.load(self.config)
        print("configuration: \(source)")
        let summary = LineSession(config: config, configPath: source == ConfigFile.builtIn ? nil : source, weights: weights,
                                  limits: RunLimits(duration: duration, parts: parts), jsonSummary: jsonSummary).run()
        print(summary.text)
    }
}
