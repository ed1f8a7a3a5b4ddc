import Actuate
import Appliance
import Capture
import Foundation
import Glibc
import Imaging
import Inspection
import PatchCore
import Synchronization
import TestFixtures
import XCTest

/// The reject actuator on the virtual board's gpio-sim chip (Board/virtual): `eagle-edge run`
/// triggered by a photo-eye this test drives through the simulator's `pull` attributes, its
/// reject output watched from the simulator's side (`value`), as a PLC or a scope would, and
/// its ready output (on `STACK_GREEN` here) on while the line runs healthy, off after it.
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
    /// 1.2 s of belt at the encoder's 10 counts per second, as the delay.
    private let encoderCounts = 12
    /// Long enough that TCG's stalls (tens of ms) do not make the scheduler give parts up as late.
    private let pulseMs = 80
    /// How far a pulse may start from its part's due moment under TCG emulation: the edge is
    /// stamped by the kernel inside the pull write, the pulse seen by polling `value` every 2 ms.
    /// Parts come every 300 ms, so a pulse this far from its part's moment is still no other part's.
    private let toleranceMs = 150.0

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

    func testEachRejectedPartGetsOnePulseAtItsTimeWithDelayTiming() throws {
        try runLine(encoder: false, scenario: .verdictsInTime)
    }

    func testEachRejectedPartGetsOnePulseAtItsCountWithEncoderTiming() throws {
        try runLine(encoder: true, scenario: .verdictsInTime)
    }

    func testPartsWithoutAFrameAreFailSafeRejectedAtTheirTime() throws {
        try runLine(encoder: false, scenario: .framesMissing)
    }

    func testPartsWhoseVerdictIsLateAreFailSafeRejectedAtTheirCount() throws {
        try runLine(encoder: true, scenario: .verdictsLate)
    }

    /// What the line's camera and expert do to the parts' verdicts.
    private enum Scenario: String {
        /// Every part's frame is taken at its edge and judged before it reaches the actuator.
        case verdictsInTime = "verdicts in time"
        /// The camera gives a frame every 500 ms and a part takes only a frame within 20 ms of
        /// its edge: most parts are not inspected, which the line knows within 20 ms.
        case framesMissing = "frames missing"
        /// Each part's frame is taken 1.5 s after its edge, past the 12 counts (1.2 s) it takes
        /// to reach the actuator: every verdict is late, whatever the emulator's speed.
        case verdictsLate = "verdicts late"
    }

    /// Photo-eye parts at about 3 per second (240, or 120 in the fail-safe scenarios); with
    /// `encoder`, a belt encoder at 10 counts per second (one rising edge every 100 ms, paced:
    /// gpio-sim merges edges that come faster than its interrupt work, which a loaded emulated
    /// guest delays by tens of ms; faster belts lost counts here) times them instead of the delay.
    private func runLine(encoder: Bool, scenario: Scenario) throws {
        let mode = "\(encoder ? "encoder" : "delay"), \(scenario.rawValue)"
        let directory = try scratch()
        let parts = scenario == .verdictsInTime ? 240 : 120
        let periodMs = 300
        try Self.writeLine(in: directory)
        let run = try LineRun(config: config(in: directory, encoder: encoder, scenario: scenario), in: directory,
                              arguments: ["--duration", "\(parts * periodMs / 1000 + 60)"])
        XCTAssertTrue(run.waitFor(within: 120) { events, _ in events.contains { $0.message == "line started" } }, "the line did not start")
        // The photo-eye thread starts just after the line's start is noted; under emulation the
        // first frames through the expert are slow too.
        usleep(3_000_000)
        XCTAssertEqual(value("STACK_GREEN"), 1, "the ready output is on while the line is healthy: \(run.events().map(\.message))")

        let watcher = OutputWatcher { [self] in value("REJECT") }
        watcher.start()
        let belt = encoder ? EncoderDriver { [self] up in try? pull("ENCODER_A", up: up) } : nil
        belt?.start()
        usleep(200_000)
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
        let counts = belt?.stop() ?? []
        let pulses = watcher.stop()
        let record = try run.finish(stop: true)
        XCTAssertEqual(record.outcome.status, 0, record.log)

        /// When the part seen at `edge` is due at the actuator (nil: the belt stopped first).
        func due(_ edge: UInt64) -> UInt64? {
            guard encoder else { return edge + UInt64(delayMs) * 1_000_000 }
            let seen = counts.lastIndex { $0 <= edge }.map { $0 + 1 } ?? 0
            let target = seen + encoderCounts - 1
            return target < counts.count ? counts[target] : nil
        }

        let journalled = record.parts.sorted { $0.id < $1.id }
        XCTAssertEqual(journalled.count, parts, "one part per photo-eye edge: \(record.log)")
        guard journalled.count == parts else { return }
        let inspected = journalled.filter(\.isInspected).count
        let rejects = journalled.filter { $0.action == .reject }.count
        switch scenario {
        case .verdictsInTime, .verdictsLate:
            // Emulation drops frames while the expert is busy; a part without a frame is
            // fail-safe rejected, which the actuator must time as well.
            XCTAssertGreaterThan(inspected, parts / 4, "parts got their frames")
            XCTAssertGreaterThan(rejects, parts / 20, "the sequence has rejects")
            XCTAssertLessThan(rejects, parts * 19 / 20, "the sequence has passes")
        case .framesMissing:
            XCTAssertLessThan(inspected, parts / 4, "most parts had no frame within 20 ms")
        }

        // What the actuator did with each part, as journalled: a pulse for rejected and
        // fail-safe rejected parts, none for passed or missed ones.
        let outcomes = Dictionary(uniqueKeysWithValues: try Journal(path: run.journalPath, access: .readOnly).rejectOutcomes().map { ($0.id, $0.outcome) })
        XCTAssertEqual(outcomes.count, parts, "every part reached the actuator")
        var tally: [RejectOutcome: Int] = [:]
        var unsafe: [PartID] = []
        var failSafeOverPass = 0
        var missedRejects = 0
        var uninspectedNotRejected: [PartID] = []
        var unmatched = pulses.map(\.start)
        var errors: [RejectOutcome: [Double]] = [:]
        var missing: [PartID] = []
        for (part, edge) in zip(journalled, edges) {
            let outcome = outcomes[part.id] ?? .missed
            tally[outcome, default: 0] += 1
            // The one outcome that must never happen: a part to reject silently passed. One the
            // scheduler reached too late (an emulator stall longer than the pulse) is `missed`:
            // counted and logged. A part whose verdict came after it reached the actuator is
            // fail-safe rejected, even a good one.
            if part.action == .reject && outcome == .passed { unsafe.append(part.id) }
            if part.action == .reject && outcome == .missed { missedRejects += 1 }
            if part.action == .pass && outcome == .failSafeRejected { failSafeOverPass += 1 }
            if !part.isInspected && outcome != .failSafeRejected && outcome != .missed { uninspectedNotRejected.append(part.id) }
            guard outcome == .rejected || outcome == .failSafeRejected else { continue }
            guard let due = due(edge) else { continue }
            let nearest = unmatched.enumerated().min { abs(Double($0.element) - Double(due)) < abs(Double($1.element) - Double(due)) }
            guard let nearest, abs(Double(nearest.element) - Double(due)) / 1e6 <= toleranceMs else {
                missing.append(part.id)
                continue
            }
            errors[outcome, default: []].append((Double(nearest.element) - Double(due)) / 1e6)
            unmatched.remove(at: nearest.offset)
        }
        let expected = (tally[.rejected] ?? 0) + (tally[.failSafeRejected] ?? 0)
        print(String(format: "virtual-board reject (%@): %d parts (%d with action reject), outcomes rejected %d, passed %d, fail-safe %d, missed %d;"
                + " pulses expected %d, seen %d, extra %d, missing %d", mode, parts, rejects, tally[.rejected] ?? 0, tally[.passed] ?? 0,
                     tally[.failSafeRejected] ?? 0, tally[.missed] ?? 0, expected, pulses.count, unmatched.count, missing.count))
        // Sim side: from the part's due moment to the pulse's start, pooled and by outcome.
        let pooled = errors.values.flatMap { $0 }
        for (label, sample) in [("all pulses", pooled), ("rejected", errors[.rejected] ?? []), ("fail-safe", errors[.failSafeRejected] ?? [])]
            where !sample.isEmpty {
            let sorted = sample.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
            print(String(format: "virtual-board reject (%@): timing error, %@ (%d): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                         mode, label, sorted.count, percentile(0.5), percentile(0.99), sorted.last ?? .nan))
        }
        print(String(format: "virtual-board reject (%@): pulse widths %.0f...%.0f ms", mode,
                     pulses.map(\.widthMs).min() ?? .nan, pulses.map(\.widthMs).max() ?? .nan))
        print("virtual-board reject (\(mode)): appliance summary \(record.summary["reject"] ?? "none")")
        XCTAssertEqual(missing, [], "parts the actuator fired for without a pulse seen at their time")
        XCTAssertEqual(unmatched.count, 0, "pulses for no rejected part")
        XCTAssertEqual(unsafe, [], "parts to reject that the actuator passed")
        XCTAssertLessThanOrEqual(missedRejects, parts / 50, "rejects missed because the scheduler ran late")
        XCTAssertEqual(uninspectedNotRejected, [], "parts without a frame that were not fail-safe rejected")
        switch scenario {
        case .verdictsInTime:
            break
        case .framesMissing:
            XCTAssertLessThanOrEqual(tally[.missed] ?? 0, parts / 50, "parts the scheduler reached too late")
        case .verdictsLate:
            XCTAssertGreaterThanOrEqual(tally[.failSafeRejected] ?? 0, parts - parts / 50, "every part's verdict came too late")
            XCTAssertEqual(tally[.rejected] ?? 0, 0, "no verdict arrived in time")
        }
        print("virtual-board reject (\(mode)): \(journalled.count - inspected) parts not inspected, \(failSafeOverPass) good parts"
            + " fail-safe rejected because their verdict came after they reached the actuator")
        XCTAssertEqual(value("REJECT"), 0, "the output is inactive after the stop")
        XCTAssertEqual(value("STACK_GREEN"), 0, "ready drops when the line stops")
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

    /// Frames cycling through four images, and a model that rejects one of them and passes the
    /// rest: one frame in seven is bad. (The tiny expert's scores mean nothing about defects, so
    /// its threshold is set between the highest score of the four and the next.)
    static func writeLine(in directory: URL) throws {
        let frames = directory.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        let candidates = try (0..<4).map { try TinyExpert.image(seed: $0) }
        let expert = try TinyExpert.shared.get()
        let scores = try candidates.map { try expert.inspect($0).score }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let bad = candidates[order[0]]
        let good = order.dropFirst().map { candidates[$0] }
        for (index, image) in (good + [bad] + good).enumerated() {
            try ImageFile.write(image, to: frames.appendingPathComponent(String(format: "frame-%03d.png", index)).path)
        }
        // The bad image normalises to 1 and the next to 0: held-out scores mean -/+ a, whose
        // (sample) standard deviation is a * sqrt(2), put the threshold at mean + k * that.
        let threshold = (scores[order[0]] + scores[order[1]]) / 2
        let span = scores[order[0]] - threshold
        var model = expert.model
        let k = model.settings.thresholdSigmas
        let mean = threshold - span
        let a = span / (k * 2.0.squareRoot())
        model.calibration = Calibration(heldOutScores: [Float(mean - a), Float(mean + a)], sigmas: k)
        try ModelFile.save(model, to: directory.appendingPathComponent("tiny.eagle").path)
    }

    private func config(in directory: URL, encoder: Bool, scenario: Scenario) -> String {
        let timing = encoder
            ? "timing: encoder\n  encoder_counts: \(encoderCounts)\n  encoder: {chip: eagle-virtual, line: ENCODER_A}"
            : "timing: delay"
        let (offsetMs, windowMs, fps) = switch scenario {
        case .verdictsInTime: (0, 500, 10)
        case .framesMissing: (0, 20, 2)
        case .verdictsLate: (1500, 500, 10)
        }
        return """
        line:
          trigger: photo_eye
          photo_eye_offset_ms: \(offsetMs)
          frame_window_ms: \(windowMs)
        camera:
          source: folder
          folder: \(directory.appendingPathComponent("frames").path)
          loop: true
          fps: \(fps)
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
          on_unsure: pass
        reject:
          enabled: true
          \(timing)
          delay_ms: \(delayMs)
          pulse_ms: \(pulseMs)
          gpio: {chip: eagle-virtual, line: REJECT}
          photo_eye: {chip: eagle-virtual, line: PHOTO_EYE}
          ready: {chip: eagle-virtual, line: STACK_GREEN}
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
    private let pulses = Mutex<[Pulse]>([])
    private let stopping = Mutex(false)
    private let done = Mutex(false)

    init(read: @escaping () -> Int?) { self.read = read }

    func start() {
        Thread { [self] in
            // Above the appliance's reject thread (50): an emulated guest stalls a normal
            // thread for tens of ms, which would merge or shorten the pulses it sees.
            var parameters = sched_param()
            parameters.sched_priority = 60
            _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
            var high: UInt64?
            while !stopping.withLock({ $0 }) {
                let now = MonotonicClock.now()
                let level = read()
                if level == 1, high == nil { high = now }
                if level == 0, let began = high {
                    pulses.withLock { $0.append(Pulse(start: began, end: now)) }
                    high = nil
                }
                usleep(2000)
            }
            done.withLock { $0 = true }
        }.start()
    }

    func stop() -> [Pulse] {
        stopping.withLock { $0 = true }
        while !done.withLock({ $0 }) { usleep(1000) }
        return pulses.withLock { $0 }
    }
}

/// A belt encoder's channel A on a thread of its own at real-time priority: a rising edge every
/// 100 ms, each one's time kept.
private final class EncoderDriver: @unchecked Sendable {
    private let drive: (Bool) -> Void
    private let rises = Mutex<[UInt64]>([])
    private let stopping = Mutex(false)
    private let done = Mutex(false)

    init(drive: @escaping (Bool) -> Void) { self.drive = drive }

    func start() {
        Thread { [self] in
            var parameters = sched_param()
            parameters.sched_priority = 55
            _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
            var next = MonotonicClock.now()
            while !stopping.withLock({ $0 }) {
                Self.sleep(until: next)
                let before = MonotonicClock.now()
                drive(true)
                let after = MonotonicClock.now()
                rises.withLock { $0.append(before / 2 + after / 2) }
                Self.sleep(until: next + 50_000_000)
                drive(false)
                next += 100_000_000
            }
            done.withLock { $0 = true }
        }.start()
    }

    /// Stops the belt; the rising edges' times, oldest first.
    func stop() -> [UInt64] {
        stopping.withLock { $0 = true }
        while !done.withLock({ $0 }) { usleep(1000) }
        return rises.withLock { $0 }
    }

    private static func sleep(until deadline: UInt64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}
