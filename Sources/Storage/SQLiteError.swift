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
    public var isCorruption: Bool {
        let primary = code & 0xFF
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
    }

    public var description: String {
        let base = "SQLite error \(code): \(message)"
        return sql.map { base + " (in: \($0))" } ?? base
    }
}
