import Foundation
import Storage
import XCTest

@testable import Appliance

final class JournalOpeningTests: XCTestCase {
    func testANewJournalHasTheSchemaItsVersionAndWAL() throws {
        let path = try journalDirectory().appendingPathComponent("journal.sqlite").path
        do {
            let journal = try Journal(path: path)
            XCTAssertEqual(try journal.database.tableNames().intersection(["meta", "parts", "events", "outbox"]).count, 4)
            XCTAssertEqual(try pragma(journal.database, "journal_mode"), "wal")
            XCTAssertEqual(try pragma(journal.database, "synchronous"), "2", "FULL")
            XCTAssertEqual(try journal.nextPartID().rawValue, 1)
            try journal.append(SampleParts.parts(1...3))
        }
        let raw = try SQLiteDatabase(path: path, mode: .readOnly)
        XCTAssertEqual(try raw.userVersion(), Journal.schemaVersion)
        XCTAssertEqual(try pragma(raw, "application_id"), String(0x4545_4A4C))

        let again = try Journal(path: path)
        XCTAssertEqual(try again.nextPartID().rawValue, 4)
        let reader = try Journal(path: path, access: .readOnly)
        XCTAssertEqual(try reader.parts().map(\.id.rawValue), [1, 2, 3])
        XCTAssertNil(try reader.integrityProblem())
    }

    func testAnEmptyFileBecomesAJournalButIsNotReadAsOne() throws {
        let path = try journalDirectory().appendingPathComponent("empty.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        assertRefused(try Journal(path: path, access: .readOnly), "is not an EagleEdge journal (an empty database)")
        XCTAssertEqual(try Journal(path: path).nextPartID().rawValue, 1)
    }

    func testAJournalOfANewerSchemaIsRefusedNotMigrated() throws {
        let path = try journalDirectory().appendingPathComponent("future.sqlite").path
        try Journal(path: path).append(SampleParts.parts(1...2))
        try SQLiteDatabase(path: path).setUserVersion(Journal.schemaVersion + 1)
        for access in [Journal.Access.readWrite, .readOnly] {
            assertRefused(try Journal(path: path, access: access),
                          "has schema version \(Journal.schemaVersion + 1), newer than the \(Journal.schemaVersion) this eagle-edge reads; upgrade eagle-edge")
        }
        XCTAssertEqual(try SQLiteDatabase(path: path).userVersion(), Journal.schemaVersion + 1, "left as it was")
    }

    func testAJournalOfAnOlderSchemaIsRefused() throws {
        let path = try journalDirectory().appendingPathComponent("old.sqlite").path
        _ = try Journal(path: path)
        try SQLiteDatabase(path: path).setUserVersion(0)
        assertRefused(try Journal(path: path), "has schema version 0, older than the \(Journal.schemaVersion) this eagle-edge reads, and journals are not migrated")
    }

    func testFilesThatAreNotJournalsAreRefused() throws {
        let directory = try journalDirectory()
        let text = directory.appendingPathComponent("notes.txt").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: text))
        for access in [Journal.Access.readWrite, .readOnly] {
            assertRefused(try Journal(path: text, access: access), "\(text) is not an EagleEdge journal (not an SQLite database)")
        }

        let other = directory.appendingPathComponent("other.sqlite").path
        try SQLiteDatabase(path: other).execute("CREATE TABLE readings (t REAL)")
        assertRefused(try Journal(path: other), "is not an EagleEdge journal (an SQLite database of another application)")

        let tagged = directory.appendingPathComponent("tagged.sqlite").path
        try SQLiteDatabase(path: tagged).execute("PRAGMA application_id = 1196641869; PRAGMA user_version = 1")
        assertRefused(try Journal(path: tagged), "another application, application_id 0x47534e4d")
        XCTAssertFalse(try SQLiteDatabase(path: tagged).tableNames().contains("parts"), "nothing created in it")

        assertRefused(try Journal(path: directory.path), "is not an EagleEdge journal (not a regular file)")
    }

    func testMissingAndUnwritablePlacesSayWhatToDo() throws {
        let directory = try journalDirectory()
        let missingDirectory = directory.appendingPathComponent("absent/journal.sqlite").path
        assertRefused(try Journal(path: missingDirectory), "the directory \(directory.path)/absent does not exist; create it or set storage.journal")
        assertRefused(try Journal(path: directory.appendingPathComponent("none.sqlite").path, access: .readOnly),
                      "no journal at \(directory.path)/none.sqlite; the line creates it")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("none.sqlite").path))
        // A file where a directory should be is named, and is not retried: no one turns it into one.
        let notes = directory.appendingPathComponent("notes").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: notes))
        for through in [notes + "/journal.sqlite", notes + "/deeper/journal.sqlite"] {
            XCTAssertThrowsError(try Journal(path: through)) { error in
                XCTAssertEqual(error as? JournalError, .notADirectory(path: through, file: notes))
                XCTAssertFalse((error as? JournalError)?.isTransient ?? true)
            }
        }

        guard !runningAsRoot else { return } // root writes to read-only directories
        let locked = directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
        chmod(locked.path, 0o555)
        assertRefused(try Journal(path: locked.appendingPathComponent("journal.sqlite").path), "cannot write the file or its directory")
    }

    func testADamagedJournalIsReportedAsDamaged() throws {
        let path = try journalDirectory().appendingPathComponent("damaged.sqlite").path
        try Journal(path: path).append(SampleParts.parts(1...2_000)) // closing checkpoints the WAL into the file
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 8192)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: Int(size) - 16_384))
        try handle.close()

        let journal = try Journal(path: path, access: .readOnly) // the header is intact
        XCTAssertThrowsError(try journal.parts()) { error in
            guard case .corrupt? = error as? JournalError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("is damaged"), "\(error)")
            XCTAssertTrue("\(error)".contains("move it aside"), "\(error)")
        }
        do {
            let problem = try journal.integrityProblem()
            XCTAssertNotNil(problem, "integrity_check must complain")
        } catch {
            XCTAssertTrue(error is JournalError, "\(error)")
        }
    }

    func testErrorsAreOneSentence() {
        let errors: [JournalError] = [
            .directoryMissing(path: "/x/j"), .notADirectory(path: "/x/j", file: "/x"), .notWritable(path: "/x/j"), .missing(path: "/x/j"),
            .notAJournal(path: "/x/j", detail: "d"), .unsupportedSchema(path: "/x/j", found: 9, supported: 1),
            .unsupportedSchema(path: "/x/j", found: 0, supported: 1), .corrupt(path: "/x/j", detail: "d"),
            .writerClosed(path: "/x/j"), .storage(path: "/x/j", detail: "disk I/O error", category: .ioError),
        ]
        for error in errors {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertTrue(error.description.hasSuffix("."), error.description)
            XCTAssertTrue(error.description.contains("/x/j"), error.description)
        }
    }

    private func assertRefused(_ open: @autoclosure () throws -> Journal, _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try open(), file: file, line: line) { error in
            XCTAssertTrue(error is JournalError, "\(type(of: error)): \(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
        }
    }

    private func pragma(_ database: SQLiteDatabase, _ name: String) throws -> String {
        let row = try database.prepare("PRAGMA \(name)")
        XCTAssertTrue(try row.step())
        return row.text(0)
    }
}
