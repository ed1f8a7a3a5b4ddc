import ArgumentParser
import EagleLog

/// How commands report a failure: the reason on stderr, then a non-zero exit.
enum Diagnostics {
    /// Writes `message` (one sentence per line) to stderr and exits with status 1.
    static func fail(_ message: String) -> Never {
        let sink = StandardErrorSink()
        for line in message.split(separator: "\n", omittingEmptySubsequences: true) {
            sink.write(line: "eagle-edge: " + line)
        }
        EagleEdge.exit(withError: ExitCode.failure)
    }

    /// Reports a problem that does not stop the command (one bad file among many).
    static func warn(_ message: String) {
        StandardErrorSink().write(line: "eagle-edge: " + message)
    }
}
