import Foundation
import Storage

/// Why the journal could not be opened, read or written: one sentence for an operator, saying
/// what is wrong with which file and what to do about it.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The directory that should hold the journal does not exist.
    case directoryMissing(path: String)
    /// The journal's path goes through `file`, which is not a directory (a file where a
    /// directory should be: a mistyped `storage.journal`, or a file left in the way).
    case notADirectory(path: String, file: String)
    /// The journal (or its directory, when the file is still to be created) cannot be written.
    case notWritable(path: String)
    /// There is no journal at the path (reading never creates one).
    case missing(path: String)
    /// The file is not an EagleEdge journal: not SQLite at all, or another application's database.
    case notAJournal(path: String, detail: String)
    /// The journal was written with a schema version this build does not read. There are no
    /// migrations: the file is refused rather than upgraded behind the operator's back.
    case unsupportedSchema(path: String, found: Int, supported: Int)
    /// SQLite found the file damaged.
    case corrupt(path: String, detail: String)
    /// The journal writer was closed before the request could run.
    case writerClosed(path: String)
    /// Any other failure of SQLite or the file system (disk full, I/O error, a lock held too long).
    case storage(path: String, detail: String, category: SQLiteError.Category)

    public var description: String {
        switch self {
        case .directoryMissing(let path):
            return "journal \(path): the directory \(Self.directory(of: path)) does not exist; create it or set storage.journal to another path."
        case .notADirectory(let path, let file):
            return "journal \(path): \(file) is not a directory; move it aside or set storage.journal to another path."
        case .notWritable(let path):
            return "journal \(path): cannot write the file or its directory; give the eagle-edge user write access or set storage.journal to another path."
        case .missing(let path):
            return "no journal at \(path); the line creates it when it first runs (give another path with --journal)."
        case .notAJournal(let path, let detail):
            return "\(path) is not an EagleEdge journal (\(detail)); give the right path or move the file aside."
        case .unsupportedSchema(let path, let found, let supported) where found > supported:
            return "journal \(path) has schema version \(found), newer than the \(supported) this eagle-edge reads; upgrade eagle-edge or move the file aside to start a new journal."
        case .unsupportedSchema(let path, let found, let supported):
            return "journal \(path) has schema version \(found), older than the \(supported) this eagle-edge reads, and journals are not migrated; move the file aside to start a new journal."
        case .corrupt(let path, let detail):
            return "journal \(path) is damaged (\(detail)); move it aside (with its -wal and -shm files) to start a new journal."
        case .writerClosed(let path):
            return "journal \(path): the writer is closed."
        case .storage(let path, let detail, _):
            return "journal \(path): \(detail)."
        }
    }

    public var errorDescription: String? { description }

    /// Whether retrying later can help: a full disk or a directory made writable again (or
    /// mounted) can; another application's file, a damaged one, or a file where a directory
    /// should be cannot (nothing turns a file into a directory but a person).
    public var isTransient: Bool {
        switch self {
        case .directoryMissing, .notWritable, .missing, .storage: true
        case .notADirectory, .notAJournal, .unsupportedSchema, .corrupt, .writerClosed: false
        }
    }

    /// Whether the connection that failed can be used for the next attempt: after a full disk
    /// or a lock held too long it can; after anything else the file is opened (and checked)
    /// afresh.
    var leavesConnectionSound: Bool {
        if case .storage(_, _, let category) = self { return category == .full || category == .busy }
        return false
    }

    /// The error for a failed SQLite call on the journal at `path`.
    init(_ error: SQLiteError, path: String) {
        switch error.category {
        case .notADatabase:
            self = .notAJournal(path: path, detail: "not an SQLite database")
        case .corruption:
            self = .corrupt(path: path, detail: error.message)
        case .readOnly:
            self = .notWritable(path: path)
        case .full:
            self = .storage(path: path, detail: "the disk is full (\(error.message))", category: .full)
        default:
            self = .storage(path: path, detail: error.message, category: error.category)
        }
    }

    private static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}
