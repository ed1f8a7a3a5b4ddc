import Foundation
import XCTest
@testable import Storage

final class SQLiteDatabaseTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testValuesRoundTripThroughAFile() throws {
        let file = path("round.sqlite")
        do {
            let db = try SQLiteDatabase(path: file)
            try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
            try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
                .run([.integer(Int64.min), .real(-0.125), .text("ünïcode ✓"), .blob([0, 255, 7]), .null])
            try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)").run([1, 2.5, "", .blob([]), nil])
            try db.setUserVersion(3)
        }
        let db = try SQLiteDatabase(path: file, mode: .readOnly)
        XCTAssertEqual(try db.userVersion(), 3)
        let rows = try db.prepare("SELECT i, r, s, b, n FROM t ORDER BY rowid")
        XCTAssertTrue(try rows.step())
        XCTAssertEqual(rows.int(0), Int64.min)
        XCTAssertEqual(rows.double(1), -0.125)
        XCTAssertEqual(rows.text(2), "ünïcode ✓")
        XCTAssertEqual(rows.blob(3), [0, 255, 7])
        XCTAssertTrue(rows.isNull(4))
        XCTAssertTrue(try rows.step())
        XCTAssertEqual(rows.blob(3), [])
        XCTAssertFalse(rows.isNull(3), "an empty blob must stay a blob, not NULL")
        XCTAssertFalse(try rows.step())
    }

    func testTransactionRollsBackWhenTheBodyThrows() throws {
        let db = try SQLiteDatabase(path: path("tx.sqlite"))
        try db.execute("CREATE TABLE t (v INTEGER)")
        struct Boom: Error {}
        XCTAssertThrowsError(try db.transaction {
            try db.prepare("INSERT INTO t VALUES (1)").run()
            throw Boom()
        })
        try db.transaction { try db.prepare("INSERT INTO t VALUES (2)").run() }
        let count = try db.prepare("SELECT count(*), max(v) FROM t")
        XCTAssertTrue(try count.step())
        XCTAssertEqual(count.int(0), 1)
        XCTAssertEqual(count.int(1), 2)
    }

    func testErrorsCarryCodeMessageAndStatement() throws {
        let db = try SQLiteDatabase(path: path("err.sqlite"))
        XCTAssertThrowsError(try db.prepare("SELEC nonsense")) { error in
            let e = error as? SQLiteError
            XCTAssertEqual(e?.sql, "SELEC nonsense")
            XCTAssertTrue(e?.message.contains("syntax error") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try SQLiteDatabase(path: path("missing/dir/x.sqlite"))) { error in
            XCTAssertTrue("\(error)".contains("cannot open"), "\(error)")
        }
        XCTAssertThrowsError(try SQLiteDatabase(path: path("absent.sqlite"), mode: .readOnly))
    }

    func testChangesCountOnlyRowsTheLastStatementTouched() throws {
        let db = try SQLiteDatabase(path: path("changes.sqlite"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
        try insert.run([1, "a"])
        XCTAssertEqual(db.changes, 1)
        try insert.run([1, "b"])
        XCTAssertEqual(db.changes, 0, "a skipped conflict changes nothing")
        try insert.run([2, nil])
        try db.execute("UPDATE t SET v = 'c'")
        XCTAssertEqual(db.changes, 2)
        let row = try db.prepare("SELECT id, v FROM t WHERE id = 2")
        XCTAssertTrue(try row.step())
        XCTAssertEqual(row.optionalInt(0), 2)
        XCTAssertEqual(row.optionalText(1), "c")
        let null = try db.prepare("SELECT NULL")
        XCTAssertTrue(try null.step())
        XCTAssertNil(null.optionalDouble(0))
    }

    func testErrorCategoriesNameTheTrouble() throws {
        let db = try SQLiteDatabase(path: path("full.sqlite"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB); PRAGMA max_page_count = 3")
        XCTAssertThrowsError(try db.prepare("INSERT INTO t VALUES (1, zeroblob(100000))").run()) { error in
            XCTAssertEqual((error as? SQLiteError)?.category, .full, "\(error)")
        }
        XCTAssertThrowsError(try db.prepare("INSERT INTO t VALUES (1, NULL), (1, NULL)").run()) { error in
            XCTAssertEqual((error as? SQLiteError)?.category, .constraint, "\(error)")
        }
        XCTAssertThrowsError(try SQLiteDatabase(path: path("absent/x.sqlite"))) { error in
            XCTAssertEqual((error as? SQLiteError)?.category, .cannotOpen, "\(error)")
        }
        let garbage = path("garbage.sqlite")
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: garbage))
        XCTAssertThrowsError(try SQLiteDatabase(path: garbage).tableNames()) { error in
            XCTAssertEqual((error as? SQLiteError)?.category, .notADatabase, "\(error)")
            XCTAssertTrue((error as? SQLiteError)?.isCorruption ?? false)
        }
    }

    func testGarbageAndTruncatedFilesAreReportedAsCorruption() throws {
        let garbage = path("garbage.sqlite")
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let db = try SQLiteDatabase(path: garbage, mode: .readOnly) // SQLite opens lazily
        XCTAssertThrowsError(try db.tableNames()) { error in
            XCTAssertTrue((error as? SQLiteError)?.isCorruption ?? false, "\(error)")
        }

        let good = path("good.sqlite")
        do {
            let db = try SQLiteDatabase(path: good)
            try db.execute("CREATE TABLE t (b BLOB)")
            let insert = try db.prepare("INSERT INTO t VALUES (?)")
            for i in 0..<64 { try insert.run([.blob([UInt8](repeating: UInt8(i), count: 3000))]) }
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = path("truncated.sqlite")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let cut = try SQLiteDatabase(path: truncated, mode: .readOnly)
        XCTAssertThrowsError(try {
            if let problem = try cut.integrityProblem() { throw SQLiteError(code: 11, message: problem) }
            let all = try cut.prepare("SELECT b FROM t")
            while try all.step() {}
        }())
    }
}

final class CRC32Tests: XCTestCase {
    func testKnownCheckValues() {
        // The standard check value of CRC-32/ISO-HDLC for "123456789".
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        // Chaining equals one pass.
        let whole = CRC32.checksum(Array("hello world".utf8))
        XCTAssertEqual(CRC32.checksum(Array(" world".utf8), initial: CRC32.checksum(Array("hello".utf8))), whole)
    }
}
