import Appliance
import Foundation

/// Which configuration a command runs on: the file given, else the packaged one when it
/// exists, else the built-in defaults; a file with problems fails the command with all of them.
enum ConfigFile {
    /// Where a packaged appliance keeps its configuration.
    static let defaultPath = "/etc/eagle-edge/eagle-edge.yaml"
    /// What ``load(_:)`` names when no file was read.
    static let builtIn = "built-in defaults"

    /// The configuration and where it came from.
    static func load(_ path: String?) -> (config: ApplianceConfig, source: String) {
        let source = path ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : builtIn)
        guard source != builtIn else { return (ApplianceConfig(), source) }
        do {
            return (try ApplianceConfig.load(path: source), source)
        } catch let error as ConfigError {
            Diagnostics.fail(error.description)
        } catch {
            Diagnostics.fail("configuration \(source): \(error)")
        }
    }
}
