import CSQLite

/// An open SQLite database, closed when the value goes away.
///
/// Not thread-safe: give each thread (or actor) its own connection. Opened with extended result
/// codes so corruption shows up as SQLITE_CORRUPT / SQLITE_NOTADB rather than a generic error.
public final class SQLiteDatabase {
    /// How to open the file.
    public enum Mode: Sendable {
        case readOnly
        case readWrite
        /// Read-write, creating the file if needed.
        case create
    }

    @usableFromInline let handle: OpaquePointer
    /// The file this connection was opened on.
    public let path: String

    public init(path: String, mode: Mode = .create) throws {
        var db: OpaquePointer?
        let flags: Int32
        switch mode {
        case .readOnly: flags = SQLITE_OPEN_READONLY
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .create: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        sqlite3_extended_result_codes(db, 1)
        // Wait for a concurrent writer (the journal's reader tools) instead of failing at once.
        sqlite3_busy_timeout(db, 5000)
        self.handle = db
        self.path = path
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows (schema, pragmas).
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw SQLiteError(code: status, message: message, sql: sql)
        }
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA user_version`: the schema version our formats store in the file header.
    public func userVersion() throws -> Int {
        let statement = try prepare("PRAGMA user_version")
        guard try statement.step() else { return 0 }
        return Int(statement.int(0))
    }

    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }

    /// `PRAGMA quick_check`: nil when the file is intact, else SQLite's first complaint.
    public func integrityProblem() throws -> String? {
        let statement = try prepare("PRAGMA quick_check")
        guard try statement.step() else { return "quick_check returned nothing" }
        let result = statement.text(0)
        return result == "ok" ? nil : result
    }

    /// Names of the tables in the main schema.
    public func tableNames() throws -> Set<String> {
        let statement = try prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.text(0)) }
        return names
    }

    /// The rowid of the last inserted row on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows inserted, updated or deleted by the last statement that finished on this connection
    /// (a row an `ON CONFLICT DO NOTHING` skipped does not count).
    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
