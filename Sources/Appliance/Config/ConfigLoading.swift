import Foundation
import Yams

extension ApplianceConfig {
    /// Reads and validates the configuration file at `path`.
    ///
    /// Keys left out keep their defaults, so a partial or empty file is valid. Relative paths
    /// in the file, secret files included, are relative to the file's own directory. Secrets
    /// named by `*_file` / `*_env` keys are read now, so a missing one fails here, not mid-shift.
    ///
    /// - Throws: `ConfigError` listing every problem found, or the one reason the file cannot be read.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ApplianceConfig {
        switch TextFile.read(path) {
        case .failure(let failure):
            let problem = "cannot read the configuration file \(path): \(failure.reason)"
            throw ConfigError(source: path, issues: [ConfigIssue(path: "", problem: problem)])
        case .success(let text):
            let absolute = URL(fileURLWithPath: path).standardizedFileURL
            let directory = absolute.deletingLastPathComponent().path
            return try parse(yaml: text, source: path, environment: environment, baseDirectory: directory)
        }
    }

    /// Reads and validates a configuration document held in memory.
    ///
    /// - Parameters:
    ///   - yaml: The document.
    ///   - source: What to call the document in errors (a path, or a name like `<inline>`).
    ///   - environment: Where `*_env` secrets are looked up.
    ///   - baseDirectory: What relative paths are relative to; the current directory if nil.
    /// - Throws: `ConfigError` listing every problem found.
    public static func parse(
        yaml: String,
        source: String = "<inline>",
        environment: [String: String] = ProcessInfo.processInfo.environment,
        baseDirectory: String? = nil
    ) throws -> ApplianceConfig {
        let base = baseDirectory ?? FileManager.default.currentDirectoryPath
        let context = ConfigReadContext(environment: environment, baseDirectory: base)
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(source: source, issues: [syntaxIssue(error)])
        }
        var root: Node?
        if let document, !document.isNull {
            if case .mapping = document {
                root = document
            } else {
                let problem = "the document must be a mapping of sections (line:, camera:, ...), found \(document.foundDescription)"
                context.report(ConfigIssue(path: "", problem: problem, line: document.mark?.line))
            }
        }
        let reader = SectionReader(context: context, path: "", node: root)
        let config = read(reader)
        reader.finish()
        config.checkCrossFields(context)
        let issues = context.sortedIssues
        guard issues.isEmpty else { throw ConfigError(source: source, issues: issues) }
        return config
    }

    /// One issue for a document Yams could not parse. Built from the problem and position only:
    /// Yams' own description quotes the offending line, which may hold a secret.
    private static func syntaxIssue(_ error: Error) -> ConfigIssue {
        guard let yamlError = error as? YamlError else {
            return ConfigIssue(path: "", problem: "the YAML could not be parsed")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, let yaml),
            .parser(let context, let problem, let mark, let yaml),
            .composer(let context, let problem, let mark, let yaml):
            let during = context.map { " (\($0.text), from line \($0.mark.line))" } ?? ""
            // libyaml's word for a tab is "character that cannot start any token"; say it plainly.
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let hasTab = lines.indices.contains(mark.line - 1) && lines[mark.line - 1].contains("\t")
            let hint = hasTab ? "; YAML indents with spaces, not tabs" : ""
            let problem = "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)\(during)\(hint)"
            return ConfigIssue(path: "", problem: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigIssue(path: "", problem: "duplicate key \(keys) at line \(context.mark.line); a key may appear only once in a section")
        case .reader(let problem, _, _, _):
            return ConfigIssue(path: "", problem: "the file is not readable YAML text: \(problem)")
        default:
            return ConfigIssue(path: "", problem: "the YAML could not be parsed")
        }
    }
}
