import Glibc

/// EagleEdge's logger: one line per record, priority prefix for journald, `key=value` fields.
///
/// A value type: copy it into each component with its own `label` ("camera", "expert", "mqtt").
/// swift-log is not used because the version available to us requires Swift 6.2 and the board
/// runs 6.0.
public struct Logger: Sendable {
    /// The component name shown before the message.
    public var label: String
    /// Records below this level are dropped before their message is built.
    public var minimumLevel: LogLevel
    public var format: LogFormat
    public var sink: any LogSink

    public init(label: String, minimumLevel: LogLevel = .info, format: LogFormat = .automatic,
                sink: any LogSink = StandardErrorSink()) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.format = format
        self.sink = sink
    }

    /// The same settings under another component name.
    public func labeled(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// Logs `message` with `fields` when `level` is at or above ``minimumLevel``.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard level >= minimumLevel else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        sink.write(line: LogLine.render(level: level, label: label, message: message(), fields: fields,
                                        format: format, time: now))
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.debug, message(), fields)
    }

    public func info(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.info, message(), fields)
    }

    public func notice(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.notice, message(), fields)
    }

    public func warning(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.warning, message(), fields)
    }

    public func error(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.error, message(), fields)
    }

    public func critical(_ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]) {
        log(.critical, message(), fields)
    }
}
