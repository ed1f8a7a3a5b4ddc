import Foundation

/// Figures about this process for summaries.
public enum ResourceUsage {
    /// Peak resident set size in MiB (VmHWM in /proc/self/status), nil where there is no /proc.
    public static func peakResidentMiB() -> Double? {
        statusField("VmHWM")
    }

    /// Resident set size now, in MiB (VmRSS), nil where there is no /proc.
    public static func residentMiB() -> Double? {
        statusField("VmRSS")
    }

    /// Resident set size now and at its peak, in MiB, from one read of /proc/self/status.
    public static func residentAndPeakMiB() -> (resident: Double?, peak: Double?) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (nil, nil) }
        return (mebibytes("VmRSS", status: status), mebibytes("VmHWM", status: status))
    }

    /// CPU time this process has used, user and system, in seconds.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private static func statusField(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return mebibytes(name, status: status)
    }

    /// VmHWM from the text of a /proc/PID/status file, in MiB; nil when the line is missing or
    /// not a number.
    static func peakResidentMiB(status: String) -> Double? {
        mebibytes("VmHWM", status: status)
    }

    /// The kB figure of the `name:` line of a /proc/PID/status text, in MiB.
    static func mebibytes(_ name: String, status: String) -> Double? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kib = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }
}
