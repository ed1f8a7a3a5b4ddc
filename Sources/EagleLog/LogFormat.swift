import Glibc

/// How a log line is laid out.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `<6>camera: camera lost device=/dev/video0`: journald reads the `<N>` prefix as the
    /// priority and stamps the time itself.
    case journald
    /// `2026-11-21T22:30:00.123Z info camera: camera lost device=/dev/video0`: for a terminal
    /// or a plain file.
    case plain

    /// journald when stderr is connected to the journal (systemd sets `JOURNAL_STREAM`),
    /// plain otherwise.
    public static var automatic: LogFormat {
        getenv("JOURNAL_STREAM") != nil ? .journald : .plain
    }
}
