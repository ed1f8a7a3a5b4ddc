import Glibc

/// Where rendered lines go.
public protocol LogSink: Sendable {
    /// Writes one complete line (without its trailing newline).
    func write(line: String)
}

/// Standard error, one `write(2)` per line: lines shorter than PIPE_BUF reach journald whole
/// even when several threads log at once, with no lock.
public struct StandardErrorSink: LogSink {
    public init() {}

    public func write(line: String) {
        write(text: line + "\n")
    }

    /// Writes `text` as is, for terminal output that redraws a line (a progress bar).
    public func write(text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = Glibc.write(2, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return // stderr gone: nothing sensible left to do with a log line
                }
                offset += n
            }
        }
    }
}
