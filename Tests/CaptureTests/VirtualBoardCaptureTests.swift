import EagleLog
import Foundation
import Glibc
import Imaging
import TestFixtures
import XCTest
@testable import Capture

/// The real ``V4L2Camera`` against the kernel's vivid driver, inside the virtual board (QEMU
/// guest, run as root) that `Board/virtual/run.sh` boots:
///
///     Board/virtual/run.sh -- .build/release/EagleEdgePackageTests.xctest CaptureTests.VirtualBoardCaptureTests
///
/// vivid is loaded with one instance: an HDMI capture node and an HDMI output node. With
/// equal DV timings on both and the capture control `loop_video` on, what is written to the
/// output comes back on the capture byte for byte, so real images can be "filmed".
///
/// Skipped unless `EAGLE_VIRTUAL_BOARD=1`; on the board a missing device is a failure.
final class VirtualBoardCaptureTests: XCTestCase {
    private var board = VirtualBoard(capturePath: "/dev/video0", outputPath: "/dev/video1")
    private var capturePath: String { board.capturePath }
    private var outputPath: String { board.outputPath }
    private let fast = RecoveryPolicy(initialDelay: 0.1, maximumDelay: 1, multiplier: 2)

    override func setUpWithError() throws {
        guard let board = try VirtualBoard.prepared() else { throw XCTSkip(VirtualBoard.notHere) }
        self.board = board
    }

    private func settings(controls: [String: Int] = ["loop_video": 1, "osd_text_mode": 2]) -> CaptureSettings {
        CaptureSettings(source: .v4l2, device: capturePath, format: .yuyv, width: 640, height: 480, fps: 30,
                        buffers: 4, timeoutMs: 2000, controls: controls)
    }

    /// Which sent scene `data` is, byte for byte; nil for anything else (vivid's test pattern).
    /// Compares whole frames with `==` (memcmp) rather than hashing 600 kB per frame, which
    /// under emulation would slow the consumer enough to drop frames itself.
    private func scene(_ data: [UInt8], in scenes: [[UInt8]]) -> Int? {
        scenes.firstIndex { $0.count == data.count && $0[data.count / 2] == data[data.count / 2] && $0 == data }
    }

    /// Takes frames until one equals a sent scene (vivid shows its test pattern until the
    /// loop is established); returns false when none did within `seconds`.
    private func waitForLoopback(_ loop: CaptureLoop, scenes: [[UInt8]], within seconds: Double) -> Bool {
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < deadline {
            if let frame = loop.nextFrame(timeout: 0.5), scene(frame.frame.data, in: scenes) != nil { return true }
        }
        return false
    }

    func testLoopbackFramesArriveByteIdenticalInOrderAndOnTime() throws {
        let (width, height) = (640, 480)
        let sent = try LoopbackScenes.frames(width: width, height: height)
        let writer = try VividOutput(path: outputPath, frames: sent)
        addTeardownBlock { writer.close() }
        try writer.start()
        let sink = CollectingSink()
        let loop = try CaptureLoop(settings: settings(), policy: fast, logger: sink.logger())
        addTeardownBlock { loop.stop() }
        loop.start()
        XCTAssertTrue(waitForLoopback(loop, scenes: sent, within: 10),
                      "no looped frame: \(loop.health), writer \(writer.error ?? "ok"), log:\n\(sink.lines.joined(separator: "\n"))")
        let stream = try XCTUnwrap(loop.stream)
        XCTAssertEqual(stream.format, .yuyv)
        XCTAssertEqual(stream.width, width)
        XCTAssertEqual(stream.height, height)
        XCTAssertGreaterThanOrEqual(stream.bufferCount ?? 0, 4)
        XCTAssertTrue(stream.controls.allSatisfy(\.isApplied), "\(stream.controls)")

        let decoder = try FrameDecoder()
        let expected = try sent.map {
            try decoder.decode(Frame(format: .yuyv, width: width, height: height, bytesPerLine: width * 2,
                                     data: $0, timestamp: 0, sequence: 0))
        }
        let before = loop.counters
        var frames: [CapturedFrame] = []
        var mismatches = 0
        let deadline = MonotonicClock.now() + 8_000_000_000
        while frames.count < 90, MonotonicClock.now() < deadline, let captured = loop.nextFrame(timeout: 3) {
            guard let index = scene(captured.frame.data, in: sent) else {
                mismatches += 1
                continue
            }
            XCTAssertEqual(captured.image, expected[index], "decodes equal to what was sent")
            frames.append(captured)
        }
        let after = loop.counters
        XCTAssertEqual(mismatches, 0, "frames that were not one of the sent images")
        XCTAssertGreaterThanOrEqual(frames.count, 30)
        for (a, b) in zip(frames, frames.dropFirst()) {
            XCTAssertGreaterThan(b.frame.sequence &- a.frame.sequence, 0)
            XCTAssertLessThan(b.frame.sequence &- a.frame.sequence, 1 << 31, "sequence increases")
            XCTAssertGreaterThan(b.frame.timestamp, a.frame.timestamp, "timestamps increase")
        }
        XCTAssertTrue(frames.allSatisfy { $0.frame.timestampSource == .driver }, "vivid stamps CLOCK_MONOTONIC")
        let now = MonotonicClock.now()
        XCTAssertTrue(frames.allSatisfy { $0.frame.timestamp <= now && now - $0.frame.timestamp < 60_000_000_000 },
                      "driver timestamps are on our CLOCK_MONOTONIC")
        let seconds = Double((frames.last?.frame.timestamp ?? 0) - (frames.first?.frame.timestamp ?? 0)) / 1e9
        let fps = seconds > 0 ? Double(frames.count - 1) / seconds : 0
        let dropped = after.droppedByDriver - before.droppedByDriver
        let driverRate = stream.framesPerSecond.map { String(format: "%.2f", $0) } ?? "?"
        print(String(format: "virtual-board capture: %dx%d YUYV %d frames, %.1f fps, %llu dropped", width, height,
                     frames.count, fps, dropped)
              + " (driver rate \(driverRate) fps; \(after.droppedBusy - before.droppedBusy) replaced while the test"
              + " was busy, \(after.corrupt - before.corrupt) corrupt)")
        XCTAssertGreaterThan(fps, 1)
        XCTAssertEqual(after.corrupt, before.corrupt)
        XCTAssertNil(writer.error)
    }

    func testControlsAndFormatsAreNegotiatedAndReported() throws {
        let camera = V4L2Camera(path: capturePath, settings: settings(controls: [
            "brightness": 140, "no_such_control": 1, "contrast": 100_000, "loop_video": 0,
        ]), logger: CollectingSink().logger("camera"))
        let info = try camera.start()
        let device = try V4L2Device(path: capturePath, access: .direct)
        defer {
            camera.stop()
            // Leave the driver as the other tests expect it.
            if let brightness = try? device.controls().first(where: { $0.key == "brightness" }) {
                try? device.setValue(brightness.defaultValue, of: brightness)
            }
        }
        XCTAssertEqual(info.format, .yuyv)
        XCTAssertEqual(info.width, 640)
        XCTAssertNotNil(info.framesPerSecond)
        let outcomes = Dictionary(uniqueKeysWithValues: info.controls.map { ($0.key, $0.result) })
        XCTAssertEqual(outcomes["brightness"], .applied(granted: 140))
        XCTAssertEqual(outcomes["loop_video"], .applied(granted: 0))
        if case .unknown(let available)? = outcomes["no_such_control"] {
            XCTAssertTrue(available.contains("brightness"))
        } else {
            XCTFail("\(String(describing: outcomes["no_such_control"]))")
        }
        if case .outOfRange? = outcomes["contrast"] {} else { XCTFail("\(String(describing: outcomes["contrast"]))") }
        let brightness = try XCTUnwrap(device.controls().first { $0.key == "brightness" })
        XCTAssertEqual(brightness.value, 140, "the value really is in the driver")

        let stop = try StopSignal()
        var received = 0
        for _ in 0..<5 {
            if case .frame(let frame) = try camera.next(stop: stop) {
                XCTAssertEqual(frame.data.count, 640 * 480 * 2)
                received += 1
            }
        }
        XCTAssertEqual(received, 5)
        camera.stop()
        // vivid has no MJPEG: asking for it is a clear error, not a silent fallback.
        var mjpeg = settings()
        mjpeg.format = .mjpeg
        XCTAssertThrowsError(try V4L2Camera(path: capturePath, settings: mjpeg).start()) {
            XCTAssertTrue("\($0)".contains("does not offer MJPEG"), "\($0)")
        }
    }

    func testClosingTheOutputMidStreamNeverKillsTheLoop() throws {
        let sent = try LoopbackScenes.frames(width: 640, height: 480)
        var writer = try VividOutput(path: outputPath, frames: sent)
        try writer.start()
        let health = Recorder<CaptureHealth>()
        let loop = try CaptureLoop(settings: settings(), policy: fast, logger: CollectingSink().logger(),
                                   onHealthChange: { health.append($0) })
        addTeardownBlock { loop.stop() }
        loop.start()
        XCTAssertTrue(waitForLoopback(loop, scenes: sent, within: 10))
        writer.close()
        // vivid falls back to its test pattern or goes quiet; either way the loop must
        // survive, and show the scene again once the output streams again.
        let quietUntil = MonotonicClock.now() + 5_000_000_000
        var afterClose = 0
        while MonotonicClock.now() < quietUntil {
            if loop.nextFrame(timeout: 0.5) != nil { afterClose += 1 }
        }
        writer = try VividOutput(path: outputPath, frames: sent)
        addTeardownBlock { writer.close() }
        try writer.start()
        XCTAssertTrue(waitForLoopback(loop, scenes: sent, within: 15), "no loopback after the output came back: \(loop.health)")
        XCTAssertEqual(loop.health, .streaming)
        let lost = health.values.filter { $0.name == "camera_lost" }.count
        print("virtual-board output closed mid-stream: \(afterClose) frames meanwhile, camera lost \(lost) time(s), recovered")
    }

    func testUnloadingVividIsCameraLostAndTheLoopRecoversOnTheSamePath() throws {
        let health = Recorder<CaptureHealth>()
        let sink = CollectingSink()
        var settings = settings(controls: [:])
        settings.timeoutMs = 1000
        // The stable name when udev made one, as the appliance would be configured.
        if FileManager.default.fileExists(atPath: VirtualBoard.captureByPath) { settings.device = VirtualBoard.captureByPath }
        let loop = try CaptureLoop(settings: settings, policy: fast, logger: sink.logger(), onHealthChange: { health.append($0) })
        addTeardownBlock { loop.stop() }
        loop.start()
        XCTAssertNotNil(loop.nextFrame(timeout: 10), "no frame before the unplug: \(loop.health)")

        // The loop holds the node open, so the module is busy: unbind the device first, as a
        // USB unplug would, then the module can go.
        try board.unbindVivid()
        XCTAssertTrue(eventually(within: 10) { loop.health.name == "camera_lost" }, "\(loop.health)")
        // The retries wait for the loop to close the node.
        let removed = try board.removeVivid()
        XCTAssertEqual(removed.status, 0, "removing vivid: \(removed.output)")
        usleep(500_000) // several reopen attempts against a missing node
        let loaded = try board.loadVivid()
        XCTAssertEqual(loaded.status, 0, loaded.output)
        XCTAssertTrue(eventually(within: 20) { loop.health == .streaming }, "\(loop.health)\n\(sink.lines.joined(separator: "\n"))")
        XCTAssertNotNil(loop.nextFrame(timeout: 10))
        // The loop publishes its new health before it calls onHealthChange: wait for the call.
        XCTAssertTrue(eventually(within: 5) { health.values.count >= 3 }, "\(health.values)")
        XCTAssertEqual(health.values.map(\.name), ["streaming", "camera_lost", "streaming"],
                       "each change once, however many reopen attempts failed")
        XCTAssertEqual(sink.count(containing: "camera lost"), 1)
        XCTAssertGreaterThanOrEqual(loop.counters.reopened, 1)
        print("virtual-board unplug: \(health.values.map(\.description).joined(separator: " -> ")), counters \(loop.counters)")
        loop.stop()
        try board.prepareCapture() // the reloaded driver is back at its default timings
    }

    func testCamerasCommandListsVivid() throws {
        let binary = try eagleEdgeBinary()
        let text = try run(binary, ["cameras"])
        XCTAssertEqual(text.status, 0, text.output)
        XCTAssertTrue(text.output.contains("\(capturePath): "), text.output)
        XCTAssertTrue(text.output.contains("driver: vivid"), text.output)
        XCTAssertTrue(text.output.contains("'YUYV'"), text.output)
        XCTAssertTrue(text.output.contains("loop_video"), text.output)
        XCTAssertTrue(text.output.contains("skipped \(outputPath): not a capture device"), text.output)
        let json = try run(binary, ["cameras", "--json"])
        XCTAssertEqual(json.status, 0)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let cameras = try XCTUnwrap(object["cameras"] as? [[String: Any]])
        let vivid = try XCTUnwrap(cameras.first { $0["path"] as? String == capturePath })
        XCTAssertEqual(vivid["driver"] as? String, "vivid")
        XCTAssertTrue((vivid["controls"] as? [[String: Any]])?.contains { $0["name"] as? String == "brightness" } ?? false)
    }

    // MARK: - Processes

    /// Runs `executable`, returning its status and stdout (read before waiting, so a long
    /// listing never blocks on a full pipe); stderr goes to ours.
    private func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The built `eagle-edge` beside the test bundle.
    private func eagleEdgeBinary() throws -> URL {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("eagle-edge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        XCTFail("eagle-edge not built next to the tests")
        throw CaptureError.misconfigured("no eagle-edge binary")
    }
}
