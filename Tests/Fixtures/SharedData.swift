import Foundation

/// `../shared/data` beside the package root: real images nobody on the project made.
public enum SharedData {
    /// The data are not there: the checkout needs `../shared` beside it.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "missing reference data \(path): the checkout needs ../shared beside it" }
    }

    /// The absolute path of `relative` under the shared data; throws ``Missing`` when it is not there.
    public static func path(_ relative: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
        let path = root.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }
}
