import Yams

/// Reads the keys of one YAML mapping at a key path, reporting every problem with that path.
///
/// Each getter both reads a key and records it as known, so one walk yields the config, the
/// issues and the table of accepted keys. `finish()` then reports the keys nobody asked for.
/// A reader in `recordingOnly` mode walks an absent optional section: it records keys but
/// reports nothing.
final class SectionReader {
    private struct Entry {
        let key: String
        let value: Node
        let line: Int?
    }

    let context: ConfigReadContext
    /// Dotted path of this mapping; empty at the top of the document.
    let path: String
    private let recordingOnly: Bool
    private var entries: [Entry] = []
    private var asked: [String] = []
    private var secretSlots: [String] = []

    /// A reader over `node`, which must be a mapping or nil (an absent or empty section).
    init(context: ConfigReadContext, path: String, node: Node?, recordingOnly: Bool = false) {
        self.context = context
        self.path = path
        self.recordingOnly = recordingOnly
        guard case .mapping(let mapping)? = node else { return }
        for (key, value) in mapping {
            guard case .scalar(let name) = key else {
                report(nil, "keys must be plain names, found \(key.foundDescription) used as a key", line: key.mark?.line)
                continue
            }
            entries.append(Entry(key: name.string, value: value, line: key.mark?.line))
        }
    }

    /// The dotted path of `key` inside this section.
    func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// Records a problem with `key` (or with the section itself when nil); the line defaults
    /// to where the key was found.
    func report(_ key: String?, _ problem: String, line: Int? = nil) {
        guard !recordingOnly else { return }
        let issuePath = key.map(childPath) ?? path
        context.report(ConfigIssue(path: issuePath, problem: problem, line: line ?? context.line(of: issuePath)))
    }

    // MARK: Values

    /// The value of `key`, or `fallback` when the key is absent or refused.
    func value<T>(_ key: String, default fallback: T, _ conversion: Conversion<T>) -> T {
        guard let entry = lookup(key, .value) else { return fallback }
        return convert(entry, conversion) ?? fallback
    }

    /// The value of `key`, or nil when it is absent, `~` or refused.
    func optional<T>(_ key: String, _ conversion: Conversion<T>) -> T? {
        guard let entry = lookup(key, .value), !entry.value.isNull else { return nil }
        return convert(entry, conversion)
    }

    /// The value of a key that must be written whenever this section is; nil (reported) if not.
    func required<T>(_ key: String, _ conversion: Conversion<T>) -> T? {
        guard let entry = lookup(key, .value), !entry.value.isNull else {
            report(key, "missing; it is required whenever \(path) is given")
            return nil
        }
        return convert(entry, conversion)
    }

    /// A path that may be written relative to the configuration file's directory.
    var filePath: Conversion<String> {
        Conversion.text.map { [context] in context.absolutePath($0) }
    }

    // MARK: Sections

    /// The section under `key`, read by `read`; absent or `~` means all of its defaults.
    func section<T>(_ key: String, _ read: (SectionReader) -> T) -> T {
        let entry = lookup(key, .section)
        let child = SectionReader(context: context, path: childPath(key), node: mappingNode(entry), recordingOnly: recordingOnly)
        let value = read(child)
        child.finish()
        return value
    }

    /// The section under `key`, or nil when it is absent or `~`.
    ///
    /// An absent section is still walked (recording only) so its keys stay in the known-key table.
    func optionalSection<T>(_ key: String, _ read: (SectionReader) -> T?) -> T? {
        let node = mappingNode(lookup(key, .optionalSection))
        let child = SectionReader(context: context, path: childPath(key), node: node, recordingOnly: recordingOnly || node == nil)
        let value = read(child)
        child.finish()
        return node == nil ? nil : value
    }

    /// A mapping of operator-chosen names to values (camera controls); absent means empty.
    func freeMap<T>(_ key: String, _ conversion: Conversion<T>) -> [String: T] {
        guard case .mapping(let mapping)? = mappingNode(lookup(key, .freeMap)) else { return [:] }
        var result: [String: T] = [:]
        for (name, value) in mapping {
            let itemPath = "\(key).\(name.string ?? "?")"
            guard case .scalar(let scalar) = name else {
                report(key, "keys must be plain names, found \(name.foundDescription) used as a key", line: name.mark?.line)
                continue
            }
            if Secret.looksLikeSecretKey(scalar.string) {
                report(itemPath, Self.strayedSecretProblem, line: name.mark?.line)
                continue
            }
            switch conversion.convert(value) {
            case .success(let converted): result[scalar.string] = converted
            case .failure(let rejection): report(itemPath, rejection.problem, line: name.mark?.line)
            }
        }
        return result
    }

    // MARK: Secrets

    /// The secret named by `<name>_file` or `<name>_env`, read now so a missing file or variable
    /// is reported with the rest of the configuration. Writing `<name>` itself is refused.
    func secret(_ name: String) -> Secret? {
        secretSlots.append(name)
        let fileKey = "\(name)_file"
        let variableKey = "\(name)_env"
        let file = optional(fileKey, filePath)
        let variable = optional(variableKey, .environmentName)
        if file != nil, variable != nil {
            report(variableKey, "cannot be set together with \(childPath(fileKey)); give the secret one source")
            return nil
        }
        if let file {
            switch TextFile.read(file) {
            case .failure(let failure):
                report(fileKey, "cannot read the secret file \(file): \(failure.reason)")
            case .success(let content):
                let value = Self.trimmingLineBreaks(content)
                if !value.isEmpty { return Secret(value, source: .file(file)) }
                report(fileKey, "the secret file \(file) is empty")
            }
        }
        if let variable {
            guard let value = context.environment[variable] else {
                report(variableKey, "the environment variable \(variable) is not set")
                return nil
            }
            if !value.isEmpty { return Secret(value, source: .environment(variable)) }
            report(variableKey, "the environment variable \(variable) is set but empty")
        }
        return nil
    }

    // MARK: Unknown keys

    /// Reports every key of this section that no getter asked for.
    func finish() {
        for entry in entries where !asked.contains(entry.key) {
            if secretSlots.contains(entry.key) {
                let file = childPath("\(entry.key)_file")
                let variable = childPath("\(entry.key)_env")
                report(entry.key, "secrets must not be written into the configuration file; name a file holding it"
                    + " with \(file) or an environment variable holding it with \(variable) (the value is not shown)",
                    line: entry.line)
            } else if Secret.looksLikeSecretKey(entry.key) {
                report(entry.key, Self.strayedSecretProblem, line: entry.line)
            } else {
                let allowed = "(allowed: \(asked.joined(separator: ", ")))"
                let hint = KeySuggestion.closest(to: entry.key, among: asked).map { "; did you mean '\($0)'?" } ?? ""
                report(entry.key, "unknown key\(hint) \(allowed)", line: entry.line)
            }
        }
    }

    private static let strayedSecretProblem = "this looks like a secret, and secrets must not be written into the"
        + " configuration file; they come only from *_file or *_env keys (the value is not shown)"

    // MARK: Helpers

    private func lookup(_ key: String, _ kind: ConfigKey.Kind) -> Entry? {
        if !asked.contains(key) { asked.append(key) }
        context.register(ConfigKey(path: childPath(key), kind: kind))
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        context.noteLine(entry.line, of: childPath(key))
        return entry
    }

    private func convert<T>(_ entry: Entry, _ conversion: Conversion<T>) -> T? {
        switch conversion.convert(entry.value) {
        case .success(let value): return value
        case .failure(let rejection):
            report(entry.key, rejection.problem, line: entry.line)
            return nil
        }
    }

    /// The entry's value when it is a mapping; nil for absent or `~`, reported for anything else.
    private func mappingNode(_ entry: Entry?) -> Node? {
        guard let entry, !entry.value.isNull else { return nil }
        guard case .mapping = entry.value else {
            report(entry.key, "expected a section of keys, found \(entry.value.foundDescription)", line: entry.line)
            return nil
        }
        return entry.value
    }

    /// Secret files usually end with the newline an editor or `echo` added; it is not part of
    /// the secret. Other whitespace is kept, since it may be.
    private static func trimmingLineBreaks(_ text: String) -> String {
        var result = Substring(text)
        while let last = result.last, last == "\n" || last == "\r" || last == "\r\n" { result.removeLast() }
        return String(result)
    }
}
