import Appliance
import Foundation
import Imaging
import PatchCore
import TestFixtures
import XCTest

/// `eagle-edge run` given bad input: a model it cannot use, a configuration with mistakes, a
/// journal path it cannot write, corrupt frames. Each is one clear sentence at start (exit 1,
/// nothing journalled) or a counted, logged degradation while the line keeps deciding.
final class RunCommandFaultTests: XCTestCase {
    /// The lines of a command's stderr.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// Runs `line` and checks it refused to start: exit 1, `check` holds for the one line on
    /// stderr, no summary, no part journalled. `--duration` bounds a run that starts after all.
    private func assertRefusedAtStart(_ line: TinyLine, journal: String? = nil, _ what: String,
                                      file: StaticString = #filePath, lineNumber: UInt = #line,
                                      check: (String) -> Bool) throws {
        let outcome = try EagleEdgeProcess.run(line.runArguments(["--duration", "3"]))
        XCTAssertEqual(outcome.status, 1, "\(what): \(outcome.stderr)", file: file, line: lineNumber)
        XCTAssertEqual(lines(outcome.stderr).count, 1, "\(what): one sentence, not a log: \(outcome.stderr)", file: file, line: lineNumber)
        XCTAssertTrue(check(outcome.stderr.trimmingCharacters(in: .newlines)), "\(what): \(outcome.stderr)", file: file, line: lineNumber)
        XCTAssertFalse(outcome.stdout.contains("verdicts"), "\(what): no run, no summary: \(outcome.stdout)", file: file, line: lineNumber)
        XCTAssertFalse(FileManager.default.fileExists(atPath: line.summary), "\(what)", file: file, line: lineNumber)
        XCTAssertEqual(try line.journalledParts(journal).count, 0, "\(what): nothing journalled", file: file, line: lineNumber)
    }

    // MARK: - The model

    func testAModelThatCannotBeUsedIsOneSentenceNamingItAndHowToTeachOne() throws {
        let line = try TinyLine(in: try scratch())
        let expert = try TinyExpert.shared.get()
        let teach = "; teach it again with 'eagle-edge teach --out \(line.model) DIR'"
        func unusable(_ reason: String) -> (String) -> Bool {
            { $0.hasPrefix("eagle-edge: the model \(line.model) cannot be used (") && $0.contains(reason) && $0.hasSuffix(teach) }
        }

        try FileManager.default.removeItem(atPath: line.model)
        try assertRefusedAtStart(line, "missing") {
            $0 == "eagle-edge: " + LineError.noModel(path: line.model).description
                && $0.contains("'eagle-edge teach --out \(line.model) DIR'")
        }

        try ModelFile.save(expert.model, to: line.model)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: line.model)[.size] as? Int)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: line.model))
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        try assertRefusedAtStart(line, "truncated", check: unusable("truncated"))

        // Taught on another backbone's weights: the features would mean something else.
        let weights = try XCTUnwrap(expert.network.weightsSHA256, "the test weights carry their checkpoint's hash")
        var foreign = expert.model
        foreign.provenance.weightsSHA256 = String(repeating: "0", count: 64)
        try ModelFile.save(foreign, to: line.model)
        try assertRefusedAtStart(line, "other weights",
                                 check: unusable("(the model was taught with weights 000000000000, these are \(weights.prefix(12)))"))

        try FileManager.default.removeItem(atPath: line.model)
        _ = try Journal(path: line.model) // an SQLite file, of ours even, but a journal, not a model
        try assertRefusedAtStart(line, "not a model", check: unusable("not an EagleEdge model file"))

        try ModelFile.save(expert.model, to: line.model)
        let old = ModelFile.oldestReadableVersion - 1
        try setUserVersion(old, ofSQLiteFile: line.model)
        try assertRefusedAtStart(line, "older format", check: unusable(
            "format version \(old); this build reads versions \(ModelFile.oldestReadableVersion) to \(ModelFile.formatVersion)"))
    }

    func testAModelTaughtForOtherSettingsSaysWhichSettingToChange() throws {
        let line = try TinyLine(in: try scratch())
        var settings = TinyLine.Settings()
        settings.precision = "int8"
        try line.configure(settings)
        try assertRefusedAtStart(line, "precision") {
            $0.hasPrefix("eagle-edge: the model \(line.model) does not fit the configuration: ")
                && $0.contains("it was taught in fp32 but expert.precision is int8; set expert.precision: fp32, or teach again with --precision int8")
        }
        settings = TinyLine.Settings()
        settings.inputSize = 224
        try line.configure(settings)
        try assertRefusedAtStart(line, "input size") {
            $0.contains("it takes 64x64 px input but expert.input_size is 224; teach again with --input 224x224, or set expert.input_size: 64")
        }
    }

    /// Writes `version` into the `user_version` field of an SQLite file's header (4 bytes,
    /// big-endian, at offset 60): a file of another format version, byte for byte otherwise.
    private func setUserVersion(_ version: Int, ofSQLiteFile path: String) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 60)
        try handle.write(contentsOf: withUnsafeBytes(of: UInt32(version).bigEndian) { Data($0) })
        try handle.close()
    }

    // MARK: - The configuration

    func testAConfigurationErrorIsReportedAsCheckConfigReportsIt() throws {
        let dir = try scratch()
        let mistakes = dir.appendingPathComponent("mistakes.yaml").path
        try """
            camera:
              source: folder
              fps: 0
              widht: 80
            expert:
              precision: int4
            storage:
              keep_days: 0

            """.write(toFile: mistakes, atomically: true, encoding: .utf8)
        let syntax = dir.appendingPathComponent("syntax.yaml").path
        try "camera:\n  source: [folder\n".write(toFile: syntax, atomically: true, encoding: .utf8)
        let missing = dir.appendingPathComponent("absent.yaml").path
        let cases = [(mistakes, ["camera.fps", "camera.widht", "expert.precision", "storage.keep_days", "camera.folder"]),
                     (syntax, [syntax]), (missing, [missing])]
        for (path, named) in cases {
            let run = try EagleEdgeProcess.run(["run", "--config", path, "--duration", "3"])
            let check = try EagleEdgeProcess.run(["check-config", path])
            XCTAssertEqual(run.status, 1, "\(path): \(run.stderr)")
            XCTAssertEqual(check.status, 1, "\(path): \(check.stderr)")
            XCTAssertEqual(Set(lines(run.stderr)), Set(lines(check.stderr)), "\(path): the same problems as check-config")
            for key in named {
                XCTAssertTrue(run.stderr.contains(key), "\(path): \(key) missing from:\n\(run.stderr)")
            }
            XCTAssertTrue(run.stdout.isEmpty, "\(path): nothing started: \(run.stdout)")
        }
    }

    // MARK: - The journal

    func testAJournalPathThroughAFileIsRefusedAtStart() throws {
        let line = try TinyLine(in: try scratch())
        try Data("notes".utf8).write(to: line.directory.appendingPathComponent("notes"))
        var settings = TinyLine.Settings()
        settings.journal = "notes/journal.sqlite"
        try line.configure(settings)
        let journal = line.directory.appendingPathComponent("notes/journal.sqlite").path
        let notes = line.directory.appendingPathComponent("notes").path
        try assertRefusedAtStart(line, journal: journal, "path through a file") {
            $0 == "eagle-edge: " + JournalError.notADirectory(path: journal, file: notes).description
                && $0.contains("\(notes) is not a directory")
        }
    }

    func testAJournalPathThatIsADirectoryIsRefusedAtStart() throws {
        let line = try TinyLine(in: try scratch())
        try FileManager.default.createDirectory(atPath: line.journal, withIntermediateDirectories: false)
        try assertRefusedAtStart(line, "a directory") {
            $0.hasPrefix("eagle-edge: \(line.journal) is not an EagleEdge journal (not a regular file)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: line.journal), [], "nothing written into it")
    }

    /// The journal's directory is not there at start (a storage mount not up yet): the line
    /// starts anyway, numbers parts from the clock, says so, and writes every part once the
    /// directory appears.
    func testALateJournalDirectoryIsLoggedAndCaughtUpWhileTheLineKeepsDeciding() throws {
        let line = try TinyLine(in: try scratch())
        var settings = TinyLine.Settings()
        settings.journal = "later/journal.sqlite"
        try line.configure(settings)
        let journal = line.directory.appendingPathComponent("later/journal.sqlite").path
        let startedAt = Date()
        let run = try EagleEdgeProcess.start(line.runArguments(["--duration", "60"]))
        XCTAssertTrue(run.waitForLog("line started", seconds: 60), run.stderr)
        XCTAssertTrue(run.stderr.contains("cannot write the journal; keeping the records in memory and retrying"), run.stderr)
        XCTAssertTrue(run.stderr.contains("the directory \(line.directory.path)/later does not exist"), run.stderr)
        XCTAssertTrue(run.stderr.contains("part ids continue from the clock"), run.stderr)
        usleep(500_000) // parts are decided meanwhile, kept in memory

        try FileManager.default.createDirectory(atPath: (journal as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: false)
        XCTAssertTrue(run.waitForLog("journal writable again", seconds: 30), run.stderr)
        run.signal(SIGTERM)
        XCTAssertTrue(run.waitForExit(seconds: 30))
        let outcome = run.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr)

        let counted = try XCTUnwrap(try line.writtenSummary()["parts"] as? Int)
        let parts = try line.journalledParts(journal)
        XCTAssertGreaterThan(counted, 0, "the line kept deciding")
        XCTAssertEqual(parts.count, counted, "every part decided while the journal was away is in it now")
        let clockIDs = Int64(startedAt.timeIntervalSince1970 * 1000) * 1000
        XCTAssertGreaterThanOrEqual(parts.first?.id.rawValue ?? 0, clockIDs, "ids from the clock, above any a journal held")
        let first = try XCTUnwrap(parts.first).id.rawValue
        XCTAssertEqual(parts.map(\.id.rawValue), Array(first..<(first + Int64(parts.count))), "in order, none missing")
    }

    // MARK: - The frames

    func testCorruptFramesAreCountedAndTheGoodOnesJournalled() throws {
        let dir = try scratch()
        let good = dir.appendingPathComponent("good.png")
        try ImageFile.write(TinyExpert.image(), to: good.path)
        let png = try Data(contentsOf: good)
        var settings = TinyLine.Settings()
        settings.loop = false
        settings.fps = 20
        // Sorted among the good frames: one not an image at all, one cut off mid-way.
        let line = try TinyLine(in: dir, frames: 4, corrupt: ["frame-000-bad.png": Data("not a PNG".utf8),
                                                             "frame-002-cut.png": png.prefix(png.count / 2)],
                                settings: settings)
        let outcome = try EagleEdgeProcess.run(line.runArguments())
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("corrupt frame skipped"), outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("corrupt 2"), outcome.stdout)

        let summary = try line.writtenSummary()
        let dropped = try XCTUnwrap(summary["dropped"] as? [String: Int])
        XCTAssertEqual(dropped["corrupt"], 2)
        let counted = try XCTUnwrap(summary["parts"] as? Int)
        // The folder plays at 20 frames/s; a frame replaced while the expert was busy (a loaded
        // machine, qemu) is counted as busy, never lost.
        XCTAssertEqual(counted + (dropped["busy"] ?? 0), 4, "every good frame is a part or a counted drop")
        XCTAssertGreaterThan(counted, 0)
        let parts = try line.journalledParts()
        XCTAssertEqual(parts.count, counted, "every part counted is journalled")
        XCTAssertTrue(parts.allSatisfy { $0.verdict != nil }, "the good frames are inspected")
    }
}
