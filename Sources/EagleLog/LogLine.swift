import Glibc

/// Renders one log record as a single line: journald and log shippers split on newlines, so
/// values never contain a raw one.
enum LogLine {
    static func render(level: LogLevel, label: String, message: String, fields: KeyValuePairs<String, String>,
                       format: LogFormat, time: timespec) -> String {
        var line: String
        switch format {
        case .journald:
            line = "<\(level.syslogPriority)>"
        case .plain:
            line = iso8601(time) + " " + level.rawValue + " "
        }
        line += label + ": " + escapeNewlines(message)
        for (key, value) in fields {
            line += " " + key + "=" + quoted(value)
        }
        return line
    }

    /// Values with spaces, quotes, `=` or control characters are double-quoted with escapes, so
    /// `key=value` pairs stay machine-splittable.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
        }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func escapeNewlines(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline }) else { return text }
        return text.replacingNewlines()
    }

    /// UTC time with milliseconds, e.g. 2026-11-21T22:30:00.123Z.
    static func iso8601(_ time: timespec) -> String {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let millis = Int32(time.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(millis, 3))Z"
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
