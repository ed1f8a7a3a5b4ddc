/// Severity of a log line, ordered from the most verbose to the most severe.
///
/// The raw values are the names used in the configuration (`logging.level`); `syslogPriority`
/// is the number journald reads from a `<N>` prefix on a stderr line (sd-daemon(3)).
public enum LogLevel: String, CaseIterable, Comparable, Sendable {
    case debug
    case info
    case notice
    case warning
    case error
    case critical

    /// The syslog priority journald derives from the `<N>` line prefix.
    public var syslogPriority: Int {
        switch self {
        case .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.syslogPriority > rhs.syslogPriority
    }
}
