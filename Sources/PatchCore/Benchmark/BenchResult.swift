/// One subject's timings at one thread count.
public struct BenchResult: Sendable {
    /// The subject's ``BenchSubject/name`` (the model file).
    public let name: String
    /// The subject's ``BenchSubject/precision``.
    public let precision: Precision
    /// The thread count the kernels had.
    public let threads: Int
    /// Every stage of ``BenchStage``, over the timed frames of all rounds.
    public let stages: [BenchStage: BenchStatistics]
    /// Mean score over every frame, untimed ones included: keeps the work observable, and a
    /// sanity figure (two precisions of one model should come out close).
    public let meanScore: Double

    /// Figures as measured.
    public init(name: String, precision: Precision, threads: Int, stages: [BenchStage: BenchStatistics], meanScore: Double) {
        self.name = name
        self.precision = precision
        self.threads = threads
        self.stages = stages
        self.meanScore = meanScore
    }

    /// The statistics of `stage`; all zero if it was not timed.
    public subscript(stage: BenchStage) -> BenchStatistics {
        stages[stage] ?? BenchStatistics(nanoseconds: [])
    }
}
