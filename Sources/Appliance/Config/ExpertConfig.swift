import PatchCore

/// How the PatchCore anomaly expert runs (`expert.*`).
public struct ExpertConfig: Sendable, Equatable {
    /// Arithmetic of the backbone.
    public var precision: Precision
    /// Worker threads for the backbone, 1...64.
    public var threads: Int
    /// Side of the square image fed to the backbone, in pixels, 64...1024.
    public var inputSize: Int

    /// int8 on two threads at 224 px, leaving cores for capture, MQTT and the journal.
    public init(precision: Precision = .int8, threads: Int = 2, inputSize: Int = 224) {
        self.precision = precision
        self.threads = threads
        self.inputSize = inputSize
    }
}

extension ExpertConfig {
    static func read(_ section: SectionReader) -> ExpertConfig {
        let defaults = ExpertConfig()
        return ExpertConfig(
            precision: section.value("precision", default: defaults.precision, .choice),
            threads: section.value("threads", default: defaults.threads, .integer(in: 1...64)),
            inputSize: section.value("input_size", default: defaults.inputSize, .integer(in: 64...1024))
        )
    }
}
