import ArgumentParser

/// The `eagle-edge` command: the appliance and its tools.
@main
struct EagleEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eagle-edge",
        abstract: "Visual inspection appliance: a fixed-point PatchCore expert decides, a remote MLLM explains.",
        discussion: """
            Runs on an ARM Linux board over a conveyor: V4L2 capture, an anomaly expert taught \
            from good parts, GPIO reject, MQTT to SCADA. See README.md.
            """,
        version: EagleEdgeVersion.string,
        subcommands: [
            CheckConfigCommand.self, ClassifyCommand.self, TeachCommand.self, InspectCommand.self, ExplainCommand.self, EvalCommand.self,
            BenchCommand.self, CamerasCommand.self, DemoCommand.self, GPIOCommand.self, ResultsCommand.self, RunCommand.self,
            VersionCommand.self,
        ]
    )
}
