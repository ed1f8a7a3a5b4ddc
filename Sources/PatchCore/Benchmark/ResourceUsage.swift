import Foundation

/// Figures about this process for summaries.
public enum ResourceUsage {
    /// Peak resident set size in MiB (VmHWM in /proc/self/status), nil where there is no /proc.
    public static func peakResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return peakResidentMiB(status: status)
    }

    /// VmHWM from the text of a /proc/PID/status file, in MiB; nil when the line is missing or
    /// not a number.
    static func peakResidentMiB(status: String) -> Double? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }
}
