import Capture
import Glibc

/// The file-system calls the archive makes, as thin wrappers over POSIX that fail with the
/// call's `errno`: a full, read-only or missing disk must be told apart and reported as such.
enum ArchiveDisk {
    /// What `lstat` says of a path.
    struct FileStatus: Equatable {
        var isDirectory: Bool
        var isRegularFile: Bool
        var bytes: Int64
        /// Last modification, seconds since 1970 (UTC).
        var modified: Int64
    }

    /// Creates `path` and any missing parents (mode 0755); an existing directory is fine.
    static func makeDirectories(_ path: String) throws(SystemCallError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            try makeDirectory(prefix)
        }
    }

    /// Creates one directory whose parent exists; an existing directory is fine.
    static func makeDirectory(_ path: String) throws(SystemCallError) {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw SystemCallError(operation: "mkdir", path: path, code: code) }
        guard status(path)?.isDirectory == true else { throw SystemCallError(operation: "mkdir", path: path, code: ENOTDIR) }
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it into place, so that a
    /// crash never leaves a half image under the name the journal holds. No fsync: an image lost
    /// to a power cut is not worth an SD card's write latency on every part.
    static func write(_ bytes: [UInt8], to path: String) throws(SystemCallError) {
        let temporary = path + ArchivePaths.temporarySuffix
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SystemCallError(operation: "open", path: temporary, code: errno) }
        var failure = bytes.withUnsafeBytes { buffer -> SystemCallError? in
            guard let base = buffer.baseAddress else { return nil }
            var done = 0
            while done < buffer.count {
                let count = Glibc.write(descriptor, base + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    return SystemCallError(operation: "write", path: temporary, code: errno)
                }
                done += count
            }
            return nil
        }
        // Some file systems (NFS, quotas) report a full disk only at close.
        if close(descriptor) != 0, failure == nil {
            failure = SystemCallError(operation: "close", path: temporary, code: errno)
        }
        if failure == nil, rename(temporary, path) != 0 {
            failure = SystemCallError(operation: "rename", path: path, code: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Deletes a file; one already gone is fine.
    static func remove(_ path: String) throws(SystemCallError) {
        guard unlink(path) != 0 else { return }
        let code = errno
        if code != ENOENT { throw SystemCallError(operation: "unlink", path: path, code: code) }
    }

    /// Deletes a directory if it is empty; otherwise leaves it.
    static func removeDirectoryIfEmpty(_ path: String) {
        _ = rmdir(path)
    }

    /// Bytes an unprivileged process may still write on the file system holding `path`.
    static func availableBytes(at path: String) throws(SystemCallError) -> Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw SystemCallError(operation: "statvfs", path: path, code: errno) }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The path's status without following a symbolic link; nil when it cannot be read.
    static func status(_ path: String) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        return FileStatus(isDirectory: type == S_IFDIR, isRegularFile: type == S_IFREG, bytes: Int64(info.st_size),
                          modified: Int64(info.st_mtim.tv_sec))
    }

    /// The names in a directory, without `.` and `..`.
    static func names(in path: String) throws(SystemCallError) -> [String] {
        guard let directory = opendir(path) else { throw SystemCallError(operation: "opendir", path: path, code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
