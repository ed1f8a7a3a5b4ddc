import CSQLite

/// A failed SQLite call: the result code, SQLite's own message and, when known, the statement.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// The primary or extended result code (SQLITE_CORRUPT, SQLITE_NOTADB, ...).
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// True for the codes meaning "this file is not an intact database".
    public var isCorruption: Bool { category == .corruption || category == .notADatabase }

    /// What kind of trouble the code means, for callers that react differently to a full disk
    /// and to a file that is not a database, without importing SQLite's constants.
    public enum Category: Sendable, Equatable {
        /// SQLITE_CORRUPT: the file is a damaged database.
        case corruption
        /// SQLITE_NOTADB: the file is not a database at all (its header is not SQLite's).
        case notADatabase
        /// SQLITE_FULL: the disk (or the database's page limit) is full.
        case full
        /// SQLITE_READONLY: the file, its directory or the file system refuses writes.
        case readOnly
        /// SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: the file cannot be opened or created.
        case cannotOpen
        /// SQLITE_BUSY, SQLITE_LOCKED: another connection holds the lock past the busy timeout.
        case busy
        /// SQLITE_IOERR: the operating system failed a read, write or sync.
        case ioError
        /// SQLITE_CONSTRAINT: a row broke a constraint of the schema.
        case constraint
        /// Anything else (misuse, out of memory, a malformed statement).
        case other
    }

    public var category: Category {
        switch code & 0xFF {
        case SQLITE_CORRUPT: .corruption
        case SQLITE_NOTADB: .notADatabase
        case SQLITE_FULL: .full
        case SQLITE_READONLY: .readOnly
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: .cannotOpen
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        case SQLITE_IOERR: .ioError
        case SQLITE_CONSTRAINT: .constraint
        default: .other
        }
    }

    public var description: String {
        let base = "SQLite error \(code): \(message)"
        return sql.map { base + " (in: \($0))" } ?? base
    }
}
