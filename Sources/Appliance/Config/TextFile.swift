import Foundation

/// Reads the small text files the configuration points at (the config itself, secret files)
/// and says in a few words why one cannot be read, for a one-sentence error.
enum TextFile {
    /// Why a file could not be read, phrased to follow the path ("no such file").
    struct Problem: Error, Equatable {
        let reason: String
    }

    /// The UTF-8 content of the file at `path`.
    static func read(_ path: String) -> Result<String, Problem> {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Problem(reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(Problem(reason: "it is a directory, not a file")) }
        guard files.isReadableFile(atPath: path) else {
            return .failure(Problem(reason: "permission denied for this user"))
        }
        guard let data = files.contents(atPath: path) else {
            return .failure(Problem(reason: "it could not be read"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Problem(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }
}
