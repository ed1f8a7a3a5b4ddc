import Foundation
import Storage

/// A short identity of a model file's exact bytes, recorded with every part so a result can be
/// traced to the model that scored it: `crc32-<8 hex digits>-<size in bytes>`. It tells models
/// apart; it is not a security hash.
public enum ModelIdentity {
    /// The identity of the file at `path`.
    /// - Throws: ``PatchCoreError/modelFile(path:reason:)`` when the file cannot be read.
    public static func of(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PatchCoreError.modelFile(path: path, reason: "cannot be read")
        }
        let crc = CRC32.checksum(data)
        return "crc32-" + String(crc, radix: 16).leftPadded(to: 8) + "-\(data.count)"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
