import Appliance
import Foundation

/// Which configuration a command reads: the file given, else the packaged appliance's file when
/// it exists, else the built-in defaults.
enum ConfigFile {
    /// Where a packaged appliance keeps its configuration.
    static let defaultPath = "/etc/eagle-edge/eagle-edge.yaml"

    /// The configuration and where it came from (a path, or "built-in defaults"); an invalid
    /// file fails the command with its problems.
    static func load(_ path: String?) -> (config: ApplianceConfig, source: String) {
        let source: String
        if let path {
            source = path
        } else if FileManager.default.fileExists(atPath: defaultPath) {
            source = defaultPath
        } else {
            return (ApplianceConfig(), "built-in defaults")
        }
        do {
            return (try ApplianceConfig.load(path: source), source)
        } catch let error as ConfigError {
            Diagnostics.fail(error.description)
        } catch {
            Diagnostics.fail("configuration \(source): \(error)")
        }
    }
}
