import Foundation

/// Where the weights file is looked for when nobody names it: the environment, then the
/// developer's checkout, then the packaged appliance.
public enum WeightsLocation {
    /// The environment variable that names the weights file outright.
    public static let environmentVariable = "EAGLE_WEIGHTS"
    /// Where `Packaging/weights/fetch.sh` writes the weights, relative to the checkout.
    public static let checkoutRelativePath = ".cache/weights/" + EfficientNetLite0Weights.fileName
    /// Where the Debian package installs the weights.
    public static let installedPath = "/usr/share/eagle-edge/" + EfficientNetLite0Weights.fileName

    /// The weights file to use: `$EAGLE_WEIGHTS` if set (even if that file is missing: an
    /// explicit choice is never silently replaced), else `.cache/weights/efficientnet-lite0.safetensors`
    /// in the current directory or the nearest ancestor that has one, else `installedPath`.
    /// - Parameters:
    ///   - environment: the process environment (a parameter so tests can pass their own).
    ///   - currentDirectory: where the upward search starts.
    ///   - installed: the packaged location (a parameter so tests can point it elsewhere).
    /// - Throws: `WeightsError.notFound` listing every place looked at.
    public static func defaultWeightsPath(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        installed: String = installedPath
    ) throws -> String {
        if let explicit = environment[environmentVariable], !explicit.isEmpty { return explicit }
        var searched: [String] = []
        var directory = currentDirectory
        while true {
            let candidate = (directory.hasSuffix("/") ? directory : directory + "/") + checkoutRelativePath
            searched.append(candidate)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            guard let parent = parentDirectory(of: directory) else { break }
            directory = parent
        }
        searched.append(installed)
        if FileManager.default.fileExists(atPath: installed) { return installed }
        throw WeightsError.notFound(searched: searched)
    }

    /// The class-name list that belongs to a weights file: `imagenet-classes.txt` beside it.
    public static func classNamesPath(nextTo weightsPath: String) -> String {
        guard let parent = parentDirectory(of: weightsPath) else { return ImageNetClasses.fileName }
        return (parent.hasSuffix("/") ? parent : parent + "/") + ImageNetClasses.fileName
    }

    /// The path without its last component; nil at the root or for a bare relative name.
    static func parentDirectory(of path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard trimmed != "/", let slash = trimmed.lastIndex(of: "/") else { return nil }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
