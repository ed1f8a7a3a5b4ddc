import EagleLog

/// What the appliance writes to its log (`logging.*`).
public struct LoggingConfig: Sendable, Equatable {
    /// Least severe level written; lines below it are dropped.
    public var level: LogLevel

    /// `info`: lifecycle and per-minute counters, not per-frame detail.
    public init(level: LogLevel = .info) {
        self.level = level
    }
}

extension LoggingConfig {
    /// A logger for `component` that writes from the configured level up.
    public func logger(_ component: String) -> Logger {
        Logger(label: component, minimumLevel: level)
    }

    static func read(_ section: SectionReader) -> LoggingConfig {
        LoggingConfig(level: section.value("level", default: LoggingConfig().level, .choice))
    }
}
