/// When a run of the line ends by itself; with neither, it runs until stopped (or a folder
/// source runs out of images).
public struct RunLimits: Sendable, Equatable {
    /// Seconds of running.
    public var duration: Double?
    /// Part records made.
    public var parts: Int?

    public init(duration: Double? = nil, parts: Int? = nil) {
        self.duration = duration
        self.parts = parts
    }
}
