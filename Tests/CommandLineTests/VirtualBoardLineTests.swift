import Appliance
import Capture
import Foundation
import Inspection
import PatchCore
import TestFixtures
import XCTest

/// `eagle-edge run` on the virtual board's camera, end to end: real images streamed into vivid's
/// output come back on its capture node (Board/virtual/README.md), the line inspects every
/// frame it takes and journals the part, and the journal must agree with `eagle-edge inspect`
/// on the same frames as delivered: same model, same pixels, so the very same float.
///
///     Board/virtual/run.sh -- .build/release/EagleEdgePackageTests.xctest CommandLineTests.VirtualBoardLineTests
///
/// Skipped unless `EAGLE_VIRTUAL_BOARD=1`; on the board a missing device is a failure.
final class VirtualBoardLineTests: XCTestCase {
    private var board = VirtualBoard(capturePath: "/dev/video0", outputPath: "/dev/video1")
    private let (width, height) = (640, 480)
    /// The same in the line and in `inspect`: the kernels split their work by thread.
    private let threads = 1

    override func setUpWithError() throws {
        guard let board = try VirtualBoard.prepared() else { throw XCTSkip(VirtualBoard.notHere) }
        self.board = board
    }

    /// Four scenes streamed in an irregular order; every part after the loopback shows (vivid's
    /// own test pattern may come first, briefly) must be one of them to the bit: the score, the
    /// normalised score, the verdict and the boxes `inspect` gave that scene's delivered frame.
    func testJournalAgreesWithInspectOnTheFramesAsDelivered() throws {
        let started = MonotonicClock.now()
        let directory = try scratch()
        let sent = try LoopbackScenes.frames(width: width, height: height)
        let scenes = try DeliveredScenes(yuyv: sent, width: width, height: height)
        let modelPath = try saveModel(for: scenes, in: directory)
        // Read back: the calibration exactly as the line and `inspect` load it.
        let model = try ModelFile.load(modelPath)
        let references = try scenes.inspect(model: modelPath, threads: threads, in: directory)
        XCTAssertEqual(Set(references.map(\.verdict)), ["pass", "unsure", "reject"], "the model separates the scenes")
        XCTAssertEqual(Set(references.map(\.score)).count, references.count, "distinct scores tell the scenes apart")
        let expectedBoxes = references.map { DeliveredScenes.boxes(of: $0, model: model, frameWidth: width, frameHeight: height) }
        XCTAssertTrue(expectedBoxes.contains { !$0.isEmpty }, "a scene with suspect regions, so that boxes are compared too")
        let prepared = MonotonicClock.now()

        let writer = try VividOutput(path: board.outputPath, frames: LoopbackScenes.irregular(sent))
        addTeardownBlock { writer.close() }
        try writer.start()
        let run = try LineRun(config: config(model: modelPath, in: directory), in: directory,
                              arguments: ["--parts", "40", "--duration", "60"]).finish()
        writer.close()
        XCTAssertNil(writer.error)
        let finished = MonotonicClock.now()

        let parts = run.parts
        XCTAssertGreaterThanOrEqual(parts.count, 30, run.log)
        let matches = parts.map { part in part.score.flatMap { score in references.firstIndex { $0.score == score } } }
        guard let first = matches.firstIndex(where: { $0 != nil }) else {
            XCTFail("no part scored like a scene: the loopback never showed one. \(run.log)")
            return
        }
        XCTAssertLessThanOrEqual(first, 10, "vivid's own test pattern only until the loopback is established")
        let strays = zip(parts, matches).dropFirst(first).filter { $0.1 == nil }.map(\.0)
        XCTAssertEqual(strays.map(\.id), [], "parts after the loopback that scored like no scene: \(strays.map { $0.score ?? .nan })")
        for (part, match) in zip(parts, matches) {
            guard let index = match else { continue }
            let reference = references[index]
            XCTAssertEqual(part.verdict?.rawValue, reference.verdict, "part \(part.id) (scene \(index))")
            XCTAssertEqual(part.normalizedScore, reference.normalizedScore, "part \(part.id) (scene \(index))")
            XCTAssertEqual(part.boxes, expectedBoxes[index], "part \(part.id) (scene \(index))")
        }
        let seen = matches.compactMap { $0 }
        XCTAssertEqual(Set(seen), Set(references.indices), "every scene was inspected")
        XCTAssertTrue(parts.allSatisfy(\.isInspected), "over budget or failed: \(parts.map(\.reason))")
        run.checkFinishedCleanly()
        run.checkSequencesIncrease()
        XCTAssertEqual(run.healthStates, ["streaming", "stopped"], "the camera streamed throughout")

        let tally = references.indices.map { index in seen.filter { $0 == index }.count }
        print(String(format: "virtual-board line: %d parts in %.1f s (%.1f/s), %d before the loopback; ", parts.count,
                     run.seconds, Double(parts.count) / max(run.seconds, 0.001), first)
              + "per scene \(tally) (verdicts \(references.map(\.verdict)), boxes \(expectedBoxes.map(\.count))), "
              + "all \(seen.count) equal to inspect's; "
              + String(format: "set-up and inspect %.1f s, run %.1f s; ", Double(prepared - started) / 1e9,
                       Double(finished - prepared) / 1e9) + run.dropsAndLatency)
    }

    /// The camera unplugged mid-run (vivid's device unbound and the module removed, as a USB
    /// unplug would), then plugged back: the line keeps running, journals the loss and the
    /// recovery as health events, makes parts from the new stream, and its summary counts the
    /// reopening. Without a part-present sensor a part needs a frame: none is made from the
    /// outage.
    func testCameraUnpluggedMidRunIsJournalledAndTheLineGoesOn() throws {
        let directory = try scratch()
        let sent = try LoopbackScenes.frames(width: width, height: height)
        let modelPath = try saveModel(for: DeliveredScenes(yuyv: sent, width: width, height: height), in: directory)
        addTeardownBlock { [board] in
            // Leave vivid loaded and looped back for the tests that follow, whatever happened.
            if !FileManager.default.fileExists(atPath: board.capturePath) { _ = try? board.loadVivid() }
            try? board.prepareCapture()
        }
        let writer = try VividOutput(path: board.outputPath, frames: LoopbackScenes.irregular(sent))
        addTeardownBlock { writer.close() }
        try writer.start()
        let started = MonotonicClock.now()
        let run = try LineRun(config: config(model: modelPath, in: directory), in: directory, arguments: ["--duration", "120"])
        XCTAssertTrue(run.waitFor(within: 60) { _, parts in parts.count >= 3 }, "no parts before the unplug")
        let unplugged = MonotonicClock.now()

        // Unbound, the nodes fail with ENODEV for the line and for our writer alike; the module
        // goes once both have closed them.
        try board.unbindVivid()
        XCTAssertTrue(run.waitFor(within: 15) { events, _ in events.contains { $0.fields["state"] == "camera_lost" } },
                      "the line never journalled the camera as lost")
        writer.close()
        let removed = try board.removeVivid()
        XCTAssertEqual(removed.status, 0, "removing vivid: \(removed.output)")
        sleep(2) // unplugged: the line keeps trying to reopen a node that is not there
        let replugged = MonotonicClock.now()
        let loaded = try board.loadVivid()
        XCTAssertEqual(loaded.status, 0, loaded.output)
        XCTAssertTrue(run.waitFor(within: 45) { events, parts in
            guard let back = events.last(where: { $0.fields["state"] == "streaming" }),
                  events.contains(where: { $0.fields["state"] == "camera_lost" && ($0.id ?? 0) < (back.id ?? 0) }) else { return false }
            return parts.filter { $0.decidedAt > back.at }.count >= 3
        }, "no parts after the camera came back")
        let recovered = MonotonicClock.now()
        let record = try run.finish(stop: true)

        record.checkFinishedCleanly()
        XCTAssertEqual(record.healthStates, ["streaming", "camera_lost", "streaming", "stopped"],
                       "each change once, however many reopen attempts failed")
        XCTAssertGreaterThanOrEqual(record.count("camera_reopened") ?? 0, 1, "the summary counts the reopening")
        // Frame times are the driver's CLOCK_MONOTONIC stamps, the clock of `unplugged` and `replugged`.
        let duringOutage = record.parts.filter { ($0.frame?.monotonicNanoseconds).map { $0 > unplugged && $0 < replugged } ?? false }
        XCTAssertEqual(duringOutage.map(\.id), [], "no frames, no parts")
        XCTAssertTrue(record.parts.allSatisfy(\.isInspected), "\(record.parts.map(\.reason))")
        // The reopened camera counts its frames from 0 again.
        let back = record.events.last { $0.fields["state"] == "streaming" }?.at ?? .distantFuture
        let firstAfter = record.parts.first { $0.decidedAt > back }
        record.checkSequencesIncrease(restarts: Set([firstAfter?.id].compactMap { $0 }))
        let after = record.parts.filter { $0.decidedAt > back }.count
        print(String(format: "virtual-board line unplug: %d parts before, %d after; unplugged %.1f s, 3 parts %.1f s after the reload",
                     record.parts.count - after, after, Double(replugged - unplugged) / 1e9, Double(recovered - replugged) / 1e9)
              + String(format: "; reopened %d time(s); run %.1f s", record.count("camera_reopened") ?? 0,
                       Double(MonotonicClock.now() - started) / 1e9))
    }

    // MARK: - Set-up

    /// Saves the model that separates `scenes` (every verdict occurs) into `directory`; its path.
    private func saveModel(for scenes: DeliveredScenes, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("tiny.eagle").path
        try ModelFile.save(SceneSeparatingModel.make(for: scenes.images), to: path)
        return path
    }

    /// The appliance configuration of these tests: vivid's capture looped back, YUYV 640x480,
    /// the given model on the tiny expert's settings, the journal in `directory`, and a budget
    /// that emulation cannot miss (a part over budget has no verdict to compare).
    private func config(model: String, in directory: URL) -> String {
        """
        camera:
          source: v4l2
          device: \(board.capturePath)
          format: yuyv
          width: \(width)
          height: \(height)
          controls:
            loop_video: 1
            osd_text_mode: 2
        recipe:
          name: virtual-board
          model: \(model)
        expert:
          precision: fp32
          input_size: 64
          threads: \(threads)
        decision:
          budget_ms: 10000
        storage:
          journal: \(directory.appendingPathComponent("journal.sqlite").path)
          images_dir: \(directory.appendingPathComponent("images").path)
        """
    }
}
