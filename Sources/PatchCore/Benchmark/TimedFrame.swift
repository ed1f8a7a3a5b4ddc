/// One frame through a ``BenchSubject``: how long each measured stage took, and the score.
public struct TimedFrame: Sendable {
    /// Nanoseconds per stage of ``BenchStage/measured``; a stage missing here counts as zero.
    public var nanoseconds: [BenchStage: UInt64]
    /// The image score, summed by the harness so the work stays observable.
    public var score: Double

    /// Times and score as measured.
    public init(nanoseconds: [BenchStage: UInt64], score: Double) {
        self.nanoseconds = nanoseconds
        self.score = score
    }

    /// The time of `stage`: the sum of its ``BenchStage/parts``.
    public func nanoseconds(of stage: BenchStage) -> UInt64 {
        stage.parts.reduce(0) { $0 + (nanoseconds[$1] ?? 0) }
    }
}
