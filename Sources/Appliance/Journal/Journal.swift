import Foundation
import Glibc
import Inspection
import Storage

/// The SQLite journal of one appliance: every part's record, the appliance's events, and the
/// outbox the publishers drain. docs/journal.md describes the file.
///
/// One value is one connection and, like the connection, is not thread-safe: the line writes
/// through a ``JournalWriter`` (one thread owns the write connection), and readers (`eagle-edge
/// results`, the publishers) open their own. WAL mode lets them read while the writer writes.
///
/// Every method throws ``JournalError``.
public final class Journal {
    /// How to open the file.
    public enum Access: Sendable {
        /// Never writes; the file must exist and be a journal of this version.
        case readOnly
        /// Creates the journal when the file is missing or empty.
        case readWrite
    }

    /// The schema version this build reads and writes (`PRAGMA user_version`).
    public static let schemaVersion = JournalSchema.version

    /// The file the journal was opened from.
    public let path: String
    public let access: Access
    let database: SQLiteDatabase
    private var statements: [String: SQLiteStatement] = [:]
    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    let decoder = JSONDecoder()

    /// Opens the journal at `path`, creating it for `.readWrite` when there is none.
    ///
    /// Refuses a file that is not an EagleEdge journal, or one of another schema version (no
    /// migration happens behind the operator's back), with an error that says what to do.
    public init(path: String, access: Access = .readWrite) throws {
        self.path = path
        self.access = access
        try Self.checkFileSystem(path: path, access: access)
        do {
            database = try SQLiteDatabase(path: path, mode: access == .readOnly ? .readOnly : .create)
        } catch let error as SQLiteError {
            throw JournalError(error, path: path)
        }
        try guarded {
            try checkHeader()
            guard access == .readWrite else { return }
            try database.execute("PRAGMA journal_mode = WAL")
            // FULL: every commit syncs the WAL, so a committed part survives power loss as well
            // as a killed process. NORMAL would sync only at checkpoints: still safe against
            // kill -9 (the WAL is in the page cache), but a power cut could roll back the last
            // commits, and with them parts already published and ids already handed out, which
            // would then be handed out again. The writer batches, so FULL costs one sync per
            // batch (at most one per batch interval), not one per part.
            try database.execute("PRAGMA synchronous = FULL")
            // Bound the WAL file left behind after a checkpoint (it is reused, not shrunk, otherwise).
            try database.execute("PRAGMA journal_size_limit = \(16 << 20)")
        }
    }

    // MARK: - Identity and health

    /// The id for the next part: one above the highest ever committed, even if retention or a
    /// person has deleted that part since (the schema keeps a high-water mark that deletes do
    /// not lower), so ids never repeat across restarts.
    public func nextPartID() throws -> PartID {
        try guarded {
            let row = try statement("""
                SELECT max(value, coalesce((SELECT max(id) FROM parts), 0)) FROM meta WHERE key = '\(JournalSchema.Meta.partIDHighWater)'
                """)
            // Reset at once: a cached statement left on its row keeps a read transaction open,
            // and once another connection (the publisher) commits, this connection's next write
            // fails with "database is locked" for as long as that stale snapshot stays open.
            defer { try? row.reset() }
            guard try row.step() else { throw JournalRowError(table: "meta", id: 0, problem: "the part id high-water mark is missing") }
            return PartID(rawValue: row.int(0) + 1)
        }
    }

    /// `PRAGMA integrity_check`: nil when the file is intact, else SQLite's first complaint.
    /// Reads every page: seconds on a large journal.
    public func integrityProblem() throws -> String? {
        try guarded {
            let row = try database.prepare("PRAGMA integrity_check")
            guard try row.step() else { return "integrity_check returned nothing" }
            let result = row.text(0)
            return result == "ok" ? nil : result
        }
    }

    /// Bytes the journal takes on disk: the database file and its write-ahead log.
    public var fileBytes: Int64 { Self.fileBytes(path: path) }

    static func fileBytes(path: String) -> Int64 {
        [path, path + "-wal"].reduce(Int64(0)) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int64(info.st_size) : total
        }
    }

    // MARK: - For the extensions

    /// A prepared statement for `sql`, compiled once per connection.
    func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] {
            try cached.reset()
            return cached
        }
        let prepared = try database.prepare(sql)
        statements[sql] = prepared
        return prepared
    }

    /// Runs `body`, turning SQLite's and the rows' errors into ``JournalError``s naming this file.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw JournalError(error, path: path)
        } catch let error as JournalRowError {
            throw JournalError.corrupt(path: path, detail: error.description)
        }
    }

    /// Runs `body` in one transaction, committed when it returns.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try guarded { try database.transaction(body) }
    }

    // MARK: - Opening

    /// Clear errors for what SQLite would report only as "unable to open database file".
    private static func checkFileSystem(path: String, access: Access) throws {
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists {
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw JournalError.notAJournal(path: path, detail: "not a regular file") }
            if access == .readWrite, Glibc.access(path, W_OK) != 0 { throw JournalError.notWritable(path: path) }
            return
        }
        if access == .readOnly { throw JournalError.missing(path: path) }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryPath = directory.isEmpty ? "." : directory
        var directoryInfo = stat()
        guard stat(directoryPath, &directoryInfo) == 0, (directoryInfo.st_mode & S_IFMT) == S_IFDIR else {
            if let file = firstNonDirectory(on: directoryPath) { throw JournalError.notADirectory(path: path, file: file) }
            throw JournalError.directoryMissing(path: path)
        }
        if Glibc.access(directoryPath, W_OK) != 0 { throw JournalError.notWritable(path: path) }
    }

    /// The nearest existing one of `directory` and its ancestors when it is not a directory;
    /// nil when that one is a directory (what is missing below it may still be created or
    /// mounted) or cannot be examined.
    private static func firstNonDirectory(on directory: String) -> String? {
        var candidate = directory
        while true {
            var info = stat()
            if stat(candidate, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR ? nil : candidate }
            guard errno == ENOENT || errno == ENOTDIR else { return nil }
            let parent = (candidate as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != candidate else { return nil }
            candidate = parent
        }
    }

    /// Checks `application_id` and `user_version`, creating the schema in a new, empty file.
    private func checkHeader() throws {
        let (applicationID, version) = try header()
        if applicationID == 0 && version == 0 {
            guard try database.tableNames().isEmpty else {
                throw JournalError.notAJournal(path: path, detail: "an SQLite database of another application")
            }
            guard access == .readWrite else { throw JournalError.notAJournal(path: path, detail: "an empty database") }
            try create()
            return
        }
        guard applicationID == JournalSchema.applicationID else {
            let hex = String(UInt32(bitPattern: applicationID), radix: 16)
            throw JournalError.notAJournal(path: path, detail: "an SQLite database of another application, application_id 0x\(hex)")
        }
        guard version == JournalSchema.version else {
            throw JournalError.unsupportedSchema(path: path, found: version, supported: JournalSchema.version)
        }
    }

    private func header() throws -> (applicationID: Int32, version: Int) {
        let row = try database.prepare("PRAGMA application_id")
        let applicationID = try row.step() ? Int32(truncatingIfNeeded: row.int(0)) : 0
        return (applicationID, try database.userVersion())
    }

    private func create() throws {
        // journal_mode cannot change inside a transaction; WAL is then a property of the file.
        try database.execute("PRAGMA journal_mode = WAL")
        try database.transaction {
            // Another process may have created it between our check and this lock.
            let (applicationID, _) = try header()
            guard applicationID == 0 else { return }
            try database.execute(JournalSchema.create)
            try database.execute("PRAGMA application_id = \(JournalSchema.applicationID)")
            try database.setUserVersion(JournalSchema.version)
        }
        // A concurrent creator's file is checked like any other.
        let (applicationID, version) = try header()
        guard applicationID == JournalSchema.applicationID, version == JournalSchema.version else {
            throw JournalError.notAJournal(path: path, detail: "another program wrote it while it was being created")
        }
    }
}
