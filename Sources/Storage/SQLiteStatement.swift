import CEagleShims
import CSQLite

/// A compiled statement. Bind parameters (1-based, as SQLite counts), `step()` through rows,
/// read columns (0-based), `reset()` to run it again. Finalized when the value goes away.
public final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase
    public let sql: String

    init(database: SQLiteDatabase, sql: String) throws {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteError(code: status, message: database.lastMessage, sql: sql)
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to parameters 1...n.
    public func bind(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        let status: Int32
        switch value {
        case .null:
            status = sqlite3_bind_null(handle, index)
        case .integer(let v):
            status = sqlite3_bind_int64(handle, index, v)
        case .real(let v):
            status = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            status = v.withCString { eagle_sqlite3_bind_text_copy(handle, index, $0, -1) }
        case .blob(let bytes):
            guard bytes.count <= Int(Int32.max) else {
                throw SQLiteError(code: SQLITE_TOOBIG, message: "blob of \(bytes.count) bytes is too large", sql: sql)
            }
            status = bytes.withUnsafeBytes { eagle_sqlite3_bind_blob_copy(handle, index, $0.baseAddress, Int32(bytes.count)) }
        }
        try check(status)
    }

    /// Advances to the next row: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(code: status, message: database.lastMessage, sql: sql)
        }
    }

    /// Binds, runs to completion, and resets: for INSERT/UPDATE/DELETE.
    public func run(_ values: [SQLiteValue] = []) throws {
        try reset()
        try bind(values)
        while try step() {}
        try reset()
    }

    /// Makes the statement ready to run again and clears its bindings.
    public func reset() throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    public func text(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as an integer, nil when it is NULL.
    public func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    /// The column as a double, nil when it is NULL.
    public func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    /// The column as text, nil when it is NULL.
    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw SQLiteError(code: status, message: database.lastMessage, sql: sql) }
    }
}
