import Foundation

/// State shared by every `SectionReader` while one document is read: the problems found, the
/// keys the loader asked for, the line each key was found on, and what secrets resolve against.
///
/// Lives only for one `parse` call on one thread, so it is a plain class.
final class ConfigReadContext {
    /// Variables that `*_env` secrets are looked up in.
    let environment: [String: String]
    /// Directory that relative paths in the document are relative to (the config file's own).
    let baseDirectory: String
    /// Every key the loader asked for, in the order it asked.
    private(set) var knownKeys: [ConfigKey] = []
    private var knownPaths: Set<String> = []
    private var issues: [ConfigIssue] = []
    /// How many issues reading the keys produced, fixed when the first cross-field check runs.
    private var readingIssueCount: Int?
    private var lines: [String: Int] = [:]

    init(environment: [String: String], baseDirectory: String) {
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    /// The problems in document order; cross-field problems without a line come last.
    var sortedIssues: [ConfigIssue] {
        issues.enumerated().sorted { a, b in
            switch (a.element.line, b.element.line) {
            case let (l?, r?) where l != r: return l < r
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }

    func report(_ issue: ConfigIssue) {
        issues.append(issue)
    }

    /// Whether reading the document reported a problem at `path`, inside it or at a section
    /// holding it. Cross-field problems do not count, so two checks on one key both report.
    private func hasReadingIssue(near path: String) -> Bool {
        issues.prefix(readingIssueCount ?? issues.count).contains { issue in
            issue.path == path || issue.path.hasPrefix(path + ".") || path.hasPrefix(issue.path + ".")
        }
    }

    /// Reports `problem` at `path` unless `condition` holds or a key in `path` and `others`
    /// already has a problem (it then holds its default, and the check would only add noise).
    /// The line is that of the first involved key that was written.
    func require(_ condition: Bool, _ path: String, involving others: [String] = [], _ problem: @autoclosure () -> String) {
        if readingIssueCount == nil { readingIssueCount = issues.count }
        let involved = [path] + others
        guard !condition, !involved.contains(where: hasReadingIssue(near:)) else { return }
        let line = involved.lazy.compactMap { self.lines[$0] }.first
        report(ConfigIssue(path: path, problem: problem(), line: line))
    }

    func register(_ key: ConfigKey) {
        if knownPaths.insert(key.path).inserted { knownKeys.append(key) }
    }

    func noteLine(_ line: Int?, of path: String) {
        if let line { lines[path] = line }
    }

    /// The line `path` was written on, if it was written at all.
    func line(of path: String) -> Int? {
        lines[path]
    }

    /// `path` made absolute against the config file's directory, so a config and the files it
    /// names can be moved together.
    func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = URL(fileURLWithPath: baseDirectory, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
    }
}
