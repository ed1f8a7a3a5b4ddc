import EagleLog
import Foundation
import Glibc
import Imaging
import TestFixtures
import XCTest
@testable import Capture

final class CaptureLoopTests: XCTestCase {
    private let fast = RecoveryPolicy(initialDelay: 0.02, maximumDelay: 0.08, multiplier: 2)

    private func loop(_ script: Script, policy: RecoveryPolicy? = nil, sink: CollectingSink = CollectingSink(),
                      health: Recorder<CaptureHealth>? = nil) throws -> CaptureLoop {
        var callback: (@Sendable (CaptureHealth) -> Void)?
        if let health { callback = { health.append($0) } }
        let loop = try CaptureLoop(policy: policy ?? fast, logger: sink.logger(), onHealthChange: callback) {
            ScriptedSource(script)
        }
        addTeardownBlock { loop.stop() }
        return loop
    }

    private static let enodev = CaptureError.system(SystemCallError(operation: "VIDIOC_DQBUF", path: "/dev/video0", code: ENODEV))
    private static let enoent = CaptureError.system(SystemCallError(operation: "open", path: "/dev/video0", code: ENOENT))

    func testDriverGapsCorruptFramesAndBusyDropsAreCountedSeparately() throws {
        // Nobody takes frames until the source ends: every good frame but the last is
        // replaced in the hand-off and counts as dropped on purpose.
        let script = Script([
            .open, .frame(100), .frame(101), .frame(104), .corrupt(105), .frame(106), .frame(110), .end,
        ])
        let loop = try loop(script)
        loop.start()
        XCTAssertTrue(loop.waitUntilFinished(timeout: 5))
        let last = try XCTUnwrap(loop.nextFrame(timeout: 0))
        XCTAssertEqual(last.frame.sequence, 110, "the newest frame wins")
        XCTAssertEqual(last.image.pixels, [UInt8](repeating: 110, count: 24))
        XCTAssertNil(loop.nextFrame(timeout: 0), "ended and drained")
        var expected = CaptureCounters()
        expected.delivered = 1
        expected.droppedBusy = 4 // 100, 101, 104, 106 replaced by newer ones
        expected.droppedByDriver = 2 + 3 // 102-103 and 107-109; 105 arrived, damaged
        expected.corrupt = 1
        XCTAssertEqual(loop.counters, expected)
        XCTAssertEqual(loop.health, .stopped)
    }

    /// `top -H` and /proc tell the capture thread apart from the others.
    func testTheCaptureThreadIsNamed() throws {
        let script = Script([.open] + (0..<3).map { .frame(UInt32($0)) } + [.end])
        let gate = DispatchSemaphore(value: 0)
        let loop = try CaptureLoop(policy: fast, logger: CollectingSink().logger()) {
            GatedSource(ScriptedSource(script), gate: gate)
        }
        addTeardownBlock { loop.stop() }
        loop.start()
        usleep(100_000) // the thread waits at the gate for its first frame
        let names = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap {
            try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertTrue(names.contains("capture"), "threads: \(names)")
        for _ in 0..<4 { gate.signal() }
    }

    func testAConsumerThatKeepsUpGetsEveryFrameInOrder() throws {
        let script = Script([.open] + (0..<20).map { .frame(UInt32($0)) } + [.end])
        let gate = DispatchSemaphore(value: 0)
        // The source waits for the consumer between frames, so no frame is ever replaced.
        let loop = try CaptureLoop(policy: fast, logger: CollectingSink().logger()) {
            GatedSource(ScriptedSource(script), gate: gate)
        }
        addTeardownBlock { loop.stop() }
        loop.start()
        var sequences: [UInt32] = []
        gate.signal()
        while let frame = loop.nextFrame(timeout: 5) {
            sequences.append(frame.frame.sequence)
            gate.signal()
        }
        XCTAssertEqual(sequences, (0..<20).map(UInt32.init))
        XCTAssertEqual(loop.counters.delivered, 20)
        XCTAssertEqual(loop.counters.droppedBusy, 0)
        XCTAssertEqual(loop.counters.droppedByDriver, 0)
    }

    func testBadMJPEGIsCountedAndSkippedAndTheLoopGoesOn() throws {
        let image = try ImageFile.readRGB(SharedData.path("mvtec_ad/bottle/test/good/000.png"))
        let jpeg = try JPEG.encode(image, quality: 90)
        let w = image.width, h = image.height
        let script = Script([
            .open,
            .payload(1, .mjpeg, width: w, height: h, jpeg),
            .payload(2, .mjpeg, width: w, height: h, Array(jpeg.prefix(jpeg.count / 2))),
            .payload(3, .mjpeg, width: w, height: h, [0xFF, 0xD8, 0xFF]),
            .payload(4, .mjpeg, width: w, height: h, []),
            .payload(5, .mjpeg, width: w / 2, height: h, jpeg), // the stream's size disagrees
            .payload(6, .mjpeg, width: w, height: h, jpeg),
            .end,
        ])
        let loop = try loop(script)
        loop.start()
        XCTAssertTrue(loop.waitUntilFinished(timeout: 10))
        let last = try XCTUnwrap(loop.nextFrame(timeout: 0))
        XCTAssertEqual(last.frame.sequence, 6)
        XCTAssertEqual(last.image.width, w)
        XCTAssertGreaterThan(psnr(last.image, image), 36, "decoded faithfully")
        XCTAssertEqual(last.frame.data, jpeg, "the original payload travels with the image")
        XCTAssertEqual(loop.counters.corrupt, 4)
        XCTAssertEqual(loop.counters.droppedBusy, 1, "frame 1 was good but replaced by frame 6")
        XCTAssertEqual(loop.counters.delivered, 1)
    }

    func testLossIsLoggedOnceRetriedWithGrowingBackoffAndRecovered() throws {
        let script = Script([
            .openFails(Self.enoent), .openFails(Self.enoent), .openFails(Self.enoent),
            .open, .frame(0), .frame(1), .fail(Self.enodev),
            .openFails(Self.enoent),
            .open, .frame(0), .frame(1),
        ])
        let sink = CollectingSink()
        let health = Recorder<CaptureHealth>()
        let loop = try loop(script, sink: sink, health: health)
        loop.start()
        XCTAssertTrue(eventually(within: 5) { script.isFinished && loop.health == .streaming }, "\(loop.health)")
        loop.stop()

        let names = health.values.map(\.name)
        XCTAssertEqual(names, ["camera_lost", "streaming", "camera_lost", "streaming", "stopped"])
        guard case .cameraLost(let firstReason) = health.values[0], case .cameraLost(let secondReason) = health.values[2] else {
            return XCTFail("\(health.values)")
        }
        XCTAssertTrue(firstReason.contains("No such file or directory"), firstReason)
        XCTAssertTrue(secondReason.contains("No such device"), secondReason)
        // Three failed opens in a row: one "camera lost" line, not three.
        XCTAssertEqual(sink.count(containing: "camera lost"), 2, sink.lines.joined(separator: "\n"))
        XCTAssertEqual(sink.count(containing: "camera back"), 2)
        XCTAssertEqual(loop.counters.reopened, 1)
        XCTAssertEqual(loop.counters.droppedByDriver, 0, "a reopened stream starts a new sequence")

        // Back-off: 20 ms, 40 ms, 80 ms between the first failed opens, then 20 ms again
        // once the camera had streamed.
        let opens = script.openTimes
        XCTAssertEqual(opens.count, 6)
        let gaps = zip(opens, opens.dropFirst()).map { Double($1 - $0) / 1e6 }
        XCTAssertGreaterThanOrEqual(gaps[0], 19)
        XCTAssertGreaterThanOrEqual(gaps[1], 39)
        XCTAssertGreaterThanOrEqual(gaps[2], 79)
        XCTAssertGreaterThan(gaps[1], gaps[0])
        XCTAssertLessThan(gaps[4], 75, "the back-off starts over after a good session: \(gaps)")
    }

    func testATimeoutCountsAsLostAndTheSourceIsReopened() throws {
        let script = Script([
            .open, .frame(7), .fail(.timeout(path: "/dev/video0", milliseconds: 2000)),
            .open, .frame(3), .frame(4),
        ])
        let health = Recorder<CaptureHealth>()
        let loop = try loop(script, health: health)
        loop.start()
        XCTAssertTrue(eventually(within: 5) { script.isFinished && loop.counters.reopened == 1 })
        XCTAssertTrue(eventually(within: 5) { loop.health == .streaming })
        XCTAssertTrue(health.values.contains(.cameraLost(reason: "no frame from /dev/video0 for 2000 ms")), "\(health.values)")
        XCTAssertEqual(loop.nextFrame(timeout: 1)?.frame.sequence, 4)
    }

    func testStopIsPromptEvenDuringALongBackoff() throws {
        let script = Script(Array(repeating: .openFails(Self.enoent), count: 5))
        let loop = try loop(script, policy: RecoveryPolicy(initialDelay: 30, maximumDelay: 30))
        loop.start()
        XCTAssertTrue(eventually(within: 5) { loop.health != .starting })
        let before = MonotonicClock.now()
        loop.stop()
        XCTAssertLessThan(Double(MonotonicClock.now() - before) / 1e9, 1.0)
        XCTAssertEqual(loop.health, .stopped)
        XCTAssertNil(loop.nextFrame(timeout: 0.01))
    }

    func testStopWakesAConsumerWaitingForAFrame() throws {
        let loop = try loop(Script([.open]))
        loop.start()
        let done = DispatchSemaphore(value: 0)
        let got = Recorder<Bool>()
        Thread {
            got.append(loop.nextFrame(timeout: nil) != nil)
            done.signal()
        }.start()
        usleep(50_000)
        loop.stop()
        XCTAssertEqual(done.wait(timeout: .now() + 2), .success)
        XCTAssertEqual(got.values, [false])
    }

    func testStopBeforeStartAndTwiceIsHarmless() throws {
        let loop = try loop(Script([]))
        loop.stop()
        loop.stop()
        loop.start()
        XCTAssertEqual(loop.health, .stopped)
        XCTAssertNil(loop.nextFrame(timeout: 0.01))
    }

    func testMissingDeviceFromSettingsIsReportedAsLost() throws {
        let path = "/nonexistent/v4l/by-id/usb-eagle-video-index0"
        let settings = CaptureSettings(source: .v4l2, device: path, timeoutMs: 200)
        let health = Recorder<CaptureHealth>()
        let loop = try CaptureLoop(settings: settings, policy: fast, logger: CollectingSink().logger(),
                                   onHealthChange: { health.append($0) })
        addTeardownBlock { loop.stop() }
        loop.start()
        XCTAssertTrue(eventually(within: 5) { !health.values.isEmpty })
        guard case .cameraLost(let reason) = health.values[0] else { return XCTFail("\(health.values)") }
        XCTAssertTrue(reason.contains(path) && reason.contains("No such file or directory"), reason)
        XCTAssertEqual(loop.counters, CaptureCounters())
    }

    func testSyntheticLineThroughTheLoopDeliversDecodedFramesWithTruth() throws {
        var settings = CaptureSettings(source: .synthetic, width: 160, height: 120, fps: 200)
        settings.synthetic = .init(seed: 5, defectRate: 0.5)
        let loop = try CaptureLoop(settings: settings, policy: fast, logger: CollectingSink().logger())
        addTeardownBlock { loop.stop() }
        loop.start()
        let reference = SyntheticLine(width: 160, height: 120, framesPerSecond: nil, seed: 5, defectRate: 0.5)
        var seen = 0
        while seen < 10, let captured = loop.nextFrame(timeout: 2) {
            let truth = try XCTUnwrap(captured.frame.truth)
            XCTAssertEqual(UInt32(truth.partNumber), captured.frame.sequence)
            XCTAssertEqual(captured.image, reference.render(part: truth.partNumber).image)
            seen += 1
        }
        XCTAssertEqual(seen, 10)
        XCTAssertEqual(loop.stream?.width, 160)
    }

    func testUnreadableFileOfAFolderIsCountedAsCorrupt() throws {
        let dir = try temporaryDirectory(self)
        try ImageFile.write(RGBImage(width: 8, height: 8, fill: 9), to: dir + "/1.png")
        try Data("truncated".utf8).write(to: URL(fileURLWithPath: dir + "/2.png"))
        try ImageFile.write(RGBImage(width: 8, height: 8, fill: 200), to: dir + "/3.png")
        let loop = try CaptureLoop(settings: CaptureSettings(source: .folder, fps: 200, folder: dir, loop: false),
                                   logger: CollectingSink().logger())
        addTeardownBlock { loop.stop() }
        loop.start()
        XCTAssertTrue(loop.waitUntilFinished(timeout: 5))
        XCTAssertEqual(loop.counters.corrupt, 1)
        XCTAssertEqual(loop.counters.droppedBusy, 1)
        XCTAssertEqual(loop.nextFrame(timeout: 0)?.image.pixels.first, 200, "the last file is the newest frame")
        XCTAssertEqual(loop.health, .stopped)
    }

    func testRecoveryPolicyGrowsAndIsCapped() {
        let policy = RecoveryPolicy(initialDelay: 0.25, maximumDelay: 10, multiplier: 2)
        XCTAssertEqual((1...8).map { policy.delay(afterFailures: $0) }, [0.25, 0.5, 1, 2, 4, 8, 10, 10])
        XCTAssertEqual(policy.delay(afterFailures: Int.max), 10)
        XCTAssertEqual(RecoveryPolicy(initialDelay: 1, maximumDelay: 0.5).delay(afterFailures: 3), 1, "the ceiling is never below the start")
        XCTAssertEqual(RecoveryPolicy(initialDelay: 0.1, maximumDelay: 5, multiplier: 0.5).delay(afterFailures: 4), 0.1)
    }

    func testMailboxNewestWinsAndTimesOut() throws {
        let mailbox = LatestValueMailbox<Int>()
        XCTAssertFalse(mailbox.publish(1))
        XCTAssertTrue(mailbox.publish(2), "1 was never taken")
        XCTAssertEqual(mailbox.take(timeoutNanoseconds: 0), 2)
        let begin = MonotonicClock.now()
        XCTAssertNil(mailbox.take(timeoutNanoseconds: 30_000_000))
        XCTAssertGreaterThanOrEqual(Double(MonotonicClock.now() - begin) / 1e6, 29)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.02) { mailbox.publish(3) }
        XCTAssertEqual(mailbox.take(timeoutNanoseconds: 2_000_000_000), 3)
        mailbox.publish(4)
        mailbox.close()
        XCTAssertTrue(mailbox.publish(5), "after close values are dropped")
        XCTAssertEqual(mailbox.take(timeoutNanoseconds: nil), 4, "what was in the slot can still be taken")
        XCTAssertNil(mailbox.take(timeoutNanoseconds: nil), "closed and empty: no wait")
    }
}

/// Lets a test hold the source between frames: each `next` waits for one `gate.signal()`.
final class GatedSource: FrameSource {
    let inner: ScriptedSource
    let gate: DispatchSemaphore
    init(_ inner: ScriptedSource, gate: DispatchSemaphore) {
        self.inner = inner
        self.gate = gate
    }

    var name: String { inner.name }
    func start() throws -> StreamInfo { try inner.start() }
    func next(stop: StopSignal) throws -> SourceEvent {
        while gate.wait(timeout: .now() + 0.05) == .timedOut {
            if stop.isSignalled { return .interrupted }
        }
        return try inner.next(stop: stop)
    }

    func stop() { inner.stop() }
}
