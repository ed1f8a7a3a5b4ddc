import Appliance
import Capture
import Foundation
import Glibc
import Imaging
import Inspection
import PatchCore
import TestFixtures
import XCTest

/// The reject actuator on the virtual board's gpio-sim chip (Board/virtual): `eagle-edge run`
/// triggered by a photo-eye this test drives through the simulator's `pull` attributes, its
/// reject output watched from the simulator's side (`value`), as a PLC or a scope would.
///
/// Each photo-eye edge is a part (journalled in edge order); the frames cycle through images the
/// model passes and rejects, so the parts' actions form a sequence the journal records. Every
/// part whose action is reject must get exactly one pulse, starting `delay_ms` after its edge
/// within the tolerance, and no other pulse may appear. The measured timing error is printed
/// (`virtual-board reject:` lines) for docs/benchmarks.md.
final class VirtualBoardRejectTests: XCTestCase {
    /// The simulator's directory of line attributes (`sim_gpioN/{pull,value}`).
    private var sysfs = ""
    /// Line offsets by name (Board/virtual/gpio-lines.tsv).
    private var offsets: [String: Int] = [:]

    private let delayMs = 1200
    private let pulseMs = 40
    /// How far a pulse may start from its part's due moment under TCG emulation: the edge is
    /// stamped by the kernel inside the pull write, the pulse seen by polling `value` every 2 ms.
    private let toleranceMs = 60.0

    override func setUpWithError() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["EAGLE_VIRTUAL_BOARD"] == "1" else { throw XCTSkip(VirtualBoard.notHere) }
        guard let sysfs = environment["EAGLE_GPIO_SIM_SYSFS"], let table = environment["EAGLE_GPIO_LINES"] else {
            return XCTFail("the virtual board gives no gpio-sim chip (EAGLE_GPIO_SIM_SYSFS, EAGLE_GPIO_LINES)")
        }
        self.sysfs = sysfs
        for row in try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n") where !row.hasPrefix("#") {
            let columns = row.split(separator: "\t")
            if columns.count >= 2, let offset = Int(columns[0]) { offsets[String(columns[1])] = offset }
        }
    }

    // MARK: - Sim side

    private func attribute(_ line: String, _ name: String) -> String {
        "\(sysfs)/sim_gpio\(offsets[line] ?? -1)/\(name)"
    }

    /// Drives an input the way the outside world does.
    private func pull(_ line: String, up: Bool) throws {
        try Data((up ? "pull-up" : "pull-down").utf8).write(to: URL(fileURLWithPath: attribute(line, "pull")))
    }

    /// An output's level as the simulator sees it.
    private func value(_ line: String) -> Int? {
        let fd = open(attribute(line, "value"), O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 1 ? Int(byte) - 48 : nil
    }

    // MARK: - The tests

    func testEachRejectedPartGetsOnePulseAtItsTime() throws {
        let directory = try scratch()
        let parts = 240
        let periodMs = 300
        try writeLine(in: directory)
        let run = try LineRun(config: config(in: directory), in: directory, arguments: ["--duration", "\(parts * periodMs / 1000 + 60)"])
        XCTAssertTrue(run.waitFor(within: 120) { events, _ in events.contains { $0.message == "line started" } }, "the line did not start")
        usleep(500_000) // the photo-eye thread starts just after the line's start is noted

        let watcher = OutputWatcher { [self] in value("REJECT") }
        watcher.start()
        var edges: [UInt64] = []
        let start = MonotonicClock.now()
        for index in 0..<parts {
            let due = start + UInt64(index * periodMs) * 1_000_000
            sleep(until: due)
            let before = MonotonicClock.now()
            try pull("PHOTO_EYE", up: true)
            let after = MonotonicClock.now()
            edges.append(before / 2 + after / 2)
            sleep(until: due + 60_000_000)
            try pull("PHOTO_EYE", up: false)
        }
        sleep(until: MonotonicClock.now() + UInt64(delayMs + 1000) * 1_000_000)
        let pulses = watcher.stop()
        let record = try run.finish(stop: true)
        XCTAssertEqual(record.outcome.status, 0, record.log)

        let journalled = record.parts.sorted { $0.id < $1.id }
        XCTAssertEqual(journalled.count, parts, "one part per photo-eye edge: \(record.log)")
        guard journalled.count == parts else { return }
        let inspected = journalled.filter(\.isInspected).count
        let rejects = journalled.filter { $0.action == .reject }.count
        XCTAssertGreaterThan(inspected, parts * 9 / 10, "parts got their frames")
        XCTAssertGreaterThan(rejects, parts / 10, "the sequence has rejects")
        XCTAssertLessThan(rejects, parts * 9 / 10, "the sequence has passes")

        var unmatched = pulses.map(\.start)
        var errors: [Double] = []
        var missing: [PartID] = []
        for (part, edge) in zip(journalled, edges) where part.action == .reject {
            let due = edge + UInt64(delayMs) * 1_000_000
            let nearest = unmatched.enumerated().min { abs(Double($0.element) - Double(due)) < abs(Double($1.element) - Double(due)) }
            guard let nearest, abs(Double(nearest.element) - Double(due)) / 1e6 <= toleranceMs else {
                missing.append(part.id)
                continue
            }
            errors.append((Double(nearest.element) - Double(due)) / 1e6)
            unmatched.remove(at: nearest.offset)
        }
        let sorted = errors.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
        print(String(format: "virtual-board reject: %d parts, %d rejects expected, %d pulses seen, %d extra, %d missing;"
                + " timing error p50 %.1f ms, p99 %.1f ms, max %.1f ms (|max| %.1f); pulse widths %.0f...%.0f ms",
                     parts, rejects, pulses.count, unmatched.count, missing.count, percentile(0.5), percentile(0.99),
                     sorted.last ?? .nan, sorted.map(abs).max() ?? .nan,
                     pulses.map(\.widthMs).min() ?? .nan, pulses.map(\.widthMs).max() ?? .nan))
        print("virtual-board reject: appliance summary \(record.summary["reject"] ?? "none")")
        XCTAssertEqual(missing, [], "rejected parts without their pulse")
        XCTAssertEqual(unmatched.count, 0, "pulses for no rejected part")
        XCTAssertEqual(value("REJECT"), 0, "the output is inactive after the stop")
    }

    func testKillNineLeavesTheRejectOutputInactive() throws {
        let pulse = try EagleEdgeProcess.start(["gpio", "pulse", "eagle-virtual:REJECT", "--ms", "60000"])
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 60) { value("REJECT") == 1 }, "the pulse did not start: \(pulse.stderr)")
        pulse.signal(SIGKILL)
        _ = pulse.finish()
        XCTAssertTrue(pulse.wasKilledBySignal)
        // The kernel released the line with the process: gpio-sim's output returns to its pull.
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 5) { value("REJECT") == 0 }, "REJECT is \(String(describing: value("REJECT")))")
    }

    func testGPIOCommandsWorkAgainstTheSimChip() throws {
        let list = try EagleEdgeProcess.run(["gpio", "list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("[eagle-virtual] 8 lines"), list.stdout)
        XCTAssertTrue(list.stdout.contains("\"REJECT\""), list.stdout)

        let watch = try EagleEdgeProcess.start(["gpio", "watch", "eagle-virtual:SPARE", "--count", "4", "--seconds", "60"])
        XCTAssertTrue(RunningEagleEdge.poll(seconds: 30) { (try? EagleEdgeProcess.run(["gpio", "list"]).stdout.contains("\"eagle-edge\"")) == true },
                      "gpio watch did not request the line")
        for up in [true, false, true, false] {
            try pull("SPARE", up: up)
            usleep(100_000)
        }
        let outcome = watch.finish()
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let kinds = outcome.stdout.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count == 4 }.map { String($0[2]) }
        XCTAssertEqual(kinds, ["rising", "falling", "rising", "falling"], outcome.stdout)

        let pulse = try EagleEdgeProcess.run(["gpio", "pulse", "eagle-virtual:REJECT", "--ms", "20"])
        XCTAssertEqual(pulse.status, 0, pulse.stderr)
        XCTAssertTrue(pulse.stdout.contains("pulsed eagle-virtual:REJECT"), pulse.stdout)
        XCTAssertEqual(value("REJECT"), 0)
    }

    // MARK: - Set-up

    /// Frames cycling through images the model passes and rejects, and the model.
    private func writeLine(in directory: URL) throws {
        let frames = directory.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        let images = try (0..<5).map { try TinyExpert.image(seed: $0) }
        for index in 0..<7 {
            try ImageFile.write(images[index % images.count], to: frames.appendingPathComponent(String(format: "frame-%03d.png", index)).path)
        }
        try ModelFile.save(SceneSeparatingModel.make(for: images), to: directory.appendingPathComponent("tiny.eagle").path)
    }

    private func config(in directory: URL) -> String {
        """
        line:
          trigger: photo_eye
          photo_eye_offset_ms: 0
          frame_window_ms: 300
        camera:
          source: folder
          folder: \(directory.appendingPathComponent("frames").path)
          loop: true
          fps: 20
          width: 80
          height: 72
        recipe:
          name: virtual-reject
          model: \(directory.appendingPathComponent("tiny.eagle").path)
        expert:
          precision: fp32
          input_size: 64
          threads: 1
        decision:
          budget_ms: 1000
        reject:
          enabled: true
          timing: delay
          delay_ms: \(delayMs)
          pulse_ms: \(pulseMs)
          gpio: {chip: eagle-virtual, line: REJECT}
          photo_eye: {chip: eagle-virtual, line: PHOTO_EYE}
        storage:
          journal: \(directory.appendingPathComponent("journal.sqlite").path)
          images_dir: \(directory.appendingPathComponent("images").path)
          audit_every: 0
        """
    }

    private func sleep(until deadline: UInt64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}

/// Polls an output's level every 2 ms on a thread of its own and keeps its pulses.
private final class OutputWatcher: @unchecked Sendable {
    struct Pulse {
        var start: UInt64
        var end: UInt64
        var widthMs: Double { Double(end - start) / 1e6 }
    }

    private let read: () -> Int?
    private let lock = NSLock()
    private var pulses: [Pulse] = []
    private var stopping = false
    private var done = false

    init(read: @escaping () -> Int?) { self.read = read }

    func start() {
        Thread { [self] in
            var high: UInt64?
            while lock.withLock({ !stopping }) {
                let now = MonotonicClock.now()
                let level = read()
                if level == 1, high == nil { high = now }
                if level == 0, let began = high {
                    lock.withLock { pulses.append(Pulse(start: began, end: now)) }
                    high = nil
                }
                usleep(2000)
            }
            lock.withLock { done = true }
        }.start()
    }

    func stop() -> [Pulse] {
        lock.withLock { stopping = true }
        while !lock.withLock({ done }) { usleep(1000) }
        return lock.withLock { pulses }
    }
}
