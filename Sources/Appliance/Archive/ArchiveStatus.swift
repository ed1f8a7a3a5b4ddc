/// The archive now, for the line's status and the run's summary.
public struct ArchiveStatus: Sendable, Equatable, Codable {
    public var counters: ImageArchive.Counters
    /// `ok` or `degraded: <reason>`.
    public var health: String

    public init(counters: ImageArchive.Counters, health: ArchiveHealth) {
        self.counters = counters
        self.health = health.name
    }

    /// Whether images are being kept.
    public var isOK: Bool { health == ArchiveHealth.ok.name }
}
