import Capture
import EagleLog
import Foundation
import Imaging
import Inspection
import TestFixtures
import XCTest
@testable import Appliance

/// The line on a tiny expert (its scores mean nothing; the machinery around them is tested):
/// every frame one part, journal first, fail-safe when late or failing, drops counted.
final class LineTests: XCTestCase {
    private let quiet = Logger(label: "line", minimumLevel: .critical)

    /// A folder of `count` images (each a moved square), plus `corrupt` unreadable ones.
    private func folder(count: Int, corrupt: Int = 0) throws -> String {
        let directory = try temporaryDirectory(for: self)
        for index in 0..<count {
            let path = directory.appendingPathComponent(String(format: "frame-%03d.png", index)).path
            try ImageFile.write(TinyExpert.image(seed: index % 5), to: path)
        }
        for index in 0..<corrupt {
            try Data("not a PNG".utf8).write(to: directory.appendingPathComponent(String(format: "frame-%03d-bad.png", index)))
        }
        return directory.path
    }

    private func config(folder: String) -> ApplianceConfig {
        var config = ApplianceConfig()
        config.camera = CaptureSettings(source: .folder, width: 80, height: 72, fps: 240, folder: folder, loop: false)
        config.recipe.name = "tiny"
        return config
    }

    private func line(_ config: ApplianceConfig, recorder: MemoryRecorder?) throws -> Line {
        try Line(config: config, expert: ExpertLoader.Loaded(expert: TinyExpert.shared.get(), modelID: "tiny-model"),
                 recorder: recorder, logger: quiet)
    }

    /// Every frame either becomes a part or is counted as replaced while the expert was busy
    /// (the folder source runs at 240 frames/s, faster than the expert on a loaded machine).
    func testEveryFrameBecomesOnePartRecordedInOrderOrACountedDrop() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 101))
        var config = config(folder: try folder(count: 12))
        config.decision.budgetMs = 10_000
        var observed: [PartID] = []
        let status = try line(config, recorder: recorder).run { part, frame in
            observed.append(part.id)
            XCTAssertNotNil(frame)
        }
        let parts = recorder.parts
        XCTAssertEqual(UInt64(parts.count) + status.counters.capture.droppedBusy, 12, "nothing lost silently")
        XCTAssertGreaterThan(parts.count, 0)
        XCTAssertEqual(parts.map(\.id.rawValue), Array(101..<(101 + Int64(parts.count))), "ids continue from the journal's, in order")
        XCTAssertEqual(observed, parts.map(\.id), "observers see the parts the journal got, in the same order")
        let sequences = parts.compactMap { $0.frame?.sequence }
        XCTAssertEqual(sequences.count, parts.count)
        XCTAssertEqual(sequences, sequences.sorted(), "frames in capture order")
        XCTAssertEqual(Set(sequences).count, sequences.count)
        XCTAssertGreaterThan(recorder.flushes, 0, "the journal is flushed before the run returns")
        let rule = config.decision.rule
        for part in parts {
            XCTAssertEqual(part.recipe, "tiny")
            XCTAssertEqual(part.modelID, "tiny-model")
            let normalized = try XCTUnwrap(part.normalizedScore)
            let outcome = rule.decide(normalizedScore: normalized)
            XCTAssertEqual(part.verdict, outcome.verdict)
            XCTAssertEqual(part.action, outcome.action)
            XCTAssertNotNil(part.timings.expertMs)
            XCTAssertNotNil(part.timings.preprocessMs)
            let total = try XCTUnwrap(part.timings.totalMs)
            XCTAssertGreaterThanOrEqual(total, try XCTUnwrap(part.timings.expertMs))
            if part.verdict == .pass { XCTAssertTrue(part.boxes.isEmpty) }
            for box in part.boxes {
                XCTAssertTrue(Rect(x: 0, y: 0, width: 80, height: 72).contains(Rect(x: box.x, y: box.y, width: box.width, height: box.height)),
                              "boxes are in camera pixels: \(box)")
            }
        }
        let c = status.counters
        XCTAssertEqual(c.parts, UInt64(parts.count))
        XCTAssertEqual(c.passed + c.rejected + c.unsure + c.notInspectedTotal, c.parts, "every part counted once by verdict or reason")
        XCTAssertEqual(c.actionReject, UInt64(parts.filter { $0.action == .reject }.count))
        XCTAssertEqual(status.latency.count, UInt64(parts.count))
    }

    func testFramesDecidedAfterTheBudgetAreNotInspectedAndRejected() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        var config = config(folder: try folder(count: 4))
        config.decision.budgetMs = 0 // every verdict is late
        config.decision.onUnsure = .pass
        config.camera.fps = 20
        let status = try line(config, recorder: recorder).run()
        XCTAssertEqual(UInt64(recorder.parts.count) + status.counters.capture.droppedBusy, 4)
        for part in recorder.parts {
            XCTAssertNil(part.verdict)
            XCTAssertEqual(part.reason, .overBudget)
            XCTAssertEqual(part.action, .reject, "a late verdict is worth nothing at the actuator: fail-safe reject")
            XCTAssertNotNil(part.score, "the late score is kept for the record")
        }
        XCTAssertEqual(status.counters.notInspected[.overBudget], UInt64(recorder.parts.count))
        XCTAssertEqual(status.counters.drops.first { $0.cause == "over_budget" }?.count, UInt64(recorder.parts.count))
    }

    func testCorruptFramesAreCountedAndTheLineGoesOn() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        var config = config(folder: try folder(count: 3, corrupt: 2))
        config.decision.budgetMs = 10_000
        config.camera.fps = 20
        let status = try line(config, recorder: recorder).run()
        XCTAssertEqual(UInt64(recorder.parts.count) + status.counters.capture.droppedBusy, 3,
                       "the good frames after the bad ones are still inspected")
        XCTAssertEqual(status.counters.capture.corrupt, 2)
    }

    func testAFailingExpertGivesFailSafePartsAndTheLineGoesOn() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        var config = config(folder: try folder(count: 3))
        config.decision.budgetMs = 10_000
        config.recipe.roi = Rect(x: 60, y: 0, width: 40, height: 40) // reaches past the 80 px frame
        config.camera.fps = 20
        let status = try line(config, recorder: recorder).run()
        XCTAssertFalse(recorder.parts.isEmpty)
        XCTAssertEqual(Set(recorder.parts.map(\.reason)), [.expertFailed])
        XCTAssertEqual(Set(recorder.parts.map(\.action)), [.reject])
        XCTAssertEqual(status.counters.notInspected[.expertFailed], UInt64(recorder.parts.count))
        XCTAssertEqual(status.health.components.first { $0.name == "expert" }?.state, .failed)
        XCTAssertEqual(recorder.events.filter { $0.component == "expert" }.count, 1, "one health event, not one per part")
    }

    func testBoxesAreOffsetByTheRegionOfInterest() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        var config = config(folder: try folder(count: 5))
        config.decision.budgetMs = 10_000
        config.decision.unsureBand = 0
        let roi = Rect(x: 10, y: 8, width: 60, height: 56)
        config.recipe.roi = roi
        try line(config, recorder: recorder).run()
        let boxes = recorder.parts.flatMap(\.boxes)
        XCTAssertFalse(boxes.isEmpty, "the tiny expert rejects most frames, so some carry boxes")
        for box in boxes {
            XCTAssertTrue(roi.contains(Rect(x: box.x, y: box.y, width: box.width, height: box.height)), "\(box) lies in \(roi)")
        }
    }

    func testStopEndsTheRunAfterThePartInHand() throws {
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        var config = config(folder: try folder(count: 2))
        config.camera.loop = true
        config.camera.fps = 50
        config.decision.budgetMs = 10_000
        let line = try line(config, recorder: recorder)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { line.stop() }
        let started = Date()
        let status = line.run()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a looping source runs until stopped, then stops promptly")
        XCTAssertGreaterThan(status.counters.parts, 0)
        XCTAssertEqual(UInt64(recorder.parts.count), status.counters.parts, "every part decided before the stop is recorded")
    }

    func testRunLimitsEndTheRun() throws {
        var config = config(folder: try folder(count: 2))
        config.camera.loop = true
        config.decision.budgetMs = 10_000
        let recorder = MemoryRecorder(next: PartID(rawValue: 1))
        let status = try line(config, recorder: recorder).run(limits: RunLimits(parts: 7))
        XCTAssertEqual(status.counters.parts, 7)
        XCTAssertEqual(recorder.parts.count, 7)
    }
}

/// A journal in memory: the parts in the order recorded.
final class MemoryRecorder: PartRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private let first: PartID
    private var recorded: [Part] = []
    private var noted: [JournalEvent] = []
    private var flushCount = 0

    init(next: PartID) { first = next }

    func nextPartID() -> PartID { first }
    var problem: String? { nil }
    func record(_ part: Part) { lock.withLock { recorded.append(part) } }
    func note(_ event: JournalEvent) { lock.withLock { noted.append(event) } }
    func flush(timeout seconds: Double) -> Bool {
        lock.withLock { flushCount += 1 }
        return true
    }

    var parts: [Part] { lock.withLock { recorded } }
    var events: [JournalEvent] { lock.withLock { noted } }
    var flushes: Int { lock.withLock { flushCount } }
}
