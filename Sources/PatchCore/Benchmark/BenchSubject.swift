/// What ``BenchHarness`` times: one model's way through a frame, stage by stage.
public protocol BenchSubject {
    /// How the reports name it (the model file).
    var name: String { get }
    /// The precision the reports list it under.
    var precision: Precision { get }
    /// Runs one JPEG frame through the stages of ``BenchStage/measured``.
    func time(frame jpeg: [UInt8]) throws -> TimedFrame
}
