@testable import Actuate
import Inspection
import XCTest

/// The reject schedule against a fake clock and a fake output line: the clock jumps to each
/// moment the schedule asks to be woken at (a perfect thread) or to a moment a test picks (a
/// late one), and the line records every change with the time it happened.
final class RejectScheduleTests: XCTestCase {
    private let ms: UInt64 = 1_000_000

    /// A fake line and clock around a schedule.
    private struct Bench {
        var schedule: RejectSchedule
        var now: UInt64 = 0
        /// (time, level) of every output change.
        var trace: [(UInt64, Bool)] = []
        var results: [RejectResult] = []

        init(_ policy: RejectPolicy, capacity: Int = 1024) {
            schedule = RejectSchedule(policy: policy, capacity: capacity)
        }

        mutating func add(_ id: UInt64, at time: UInt64, count: UInt32 = 0, action: PartAction?) {
            if let refused = schedule.add(.init(id: PartID(rawValue: Int64(id)), time: time, count: count, action: action)) {
                results.append(refused)
            }
        }

        mutating func record(_ step: RejectSchedule.Step) {
            if let level = step.output { trace.append((now, level)) }
            results += step.results
        }

        /// Steps at `time`.
        mutating func step(at time: UInt64) {
            now = max(now, time)
            record(schedule.advance(now: now))
        }

        /// Steps at every moment the schedule asks for, up to `end`.
        mutating func run(until end: UInt64) {
            while let wake = schedule.nextWake, wake <= end {
                step(at: wake)
            }
            step(at: end)
        }

        /// One encoder edge at `time`, seen at once.
        mutating func encoder(_ count: UInt32, at time: UInt64) {
            now = max(now, time)
            record(schedule.advance(now: now, encoderCount: count, edgeTime: time))
        }

        func outcome(_ id: UInt64) -> RejectOutcome? {
            results.first { $0.id == PartID(rawValue: Int64(id)) }?.outcome
        }

        var levels: [Bool] { trace.map(\.1) }
        var times: [UInt64] { trace.map(\.0) }
    }

    private func delay(_ delayMs: UInt64 = 500, pulseMs: UInt64 = 50) -> RejectPolicy {
        RejectPolicy(timing: .delay(nanoseconds: delayMs * ms), pulseNanoseconds: pulseMs * ms)
    }

    func testDelayModeFiresOnlyForRejectedPartsAtTheirTime() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 100 * ms, action: .pass)
        bench.add(3, at: 200 * ms, action: .reject)
        bench.run(until: 2000 * ms)
        XCTAssertEqual(bench.times, [500 * ms, 550 * ms, 700 * ms, 750 * ms])
        XCTAssertEqual(bench.levels, [true, false, true, false])
        XCTAssertEqual(bench.results.map(\.outcome), [.rejected, .passed, .rejected])
        XCTAssertEqual(bench.results.compactMap(\.timingErrorNanoseconds), [0, 0])
        let counters = bench.schedule.counters
        XCTAssertEqual([counters.parts, counters.rejected, counters.passed, counters.pulses], [3, 2, 1, 2])
        XCTAssertEqual(counters.ended, counters.parts)
    }

    func testNoPulseAtStartAndNoneForPassedParts() {
        var bench = Bench(delay())
        bench.step(at: 0)
        for id in 1...20 { bench.add(UInt64(id), at: UInt64(id) * 10 * ms, action: .pass) }
        bench.run(until: 5000 * ms)
        XCTAssertTrue(bench.trace.isEmpty, "the output never moved: \(bench.trace)")
        XCTAssertEqual(bench.schedule.counters.passed, 20)
    }

    func testOverlappingPulsesAreMergedIntoOne() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 20 * ms, action: .reject)
        bench.add(3, at: 60 * ms, action: .reject)
        bench.run(until: 2000 * ms)
        // One opening from 500 ms to 560 + 50 ms: the valve never closes between the parts.
        XCTAssertEqual(bench.times, [500 * ms, 610 * ms])
        XCTAssertEqual(bench.levels, [true, false])
        XCTAssertEqual(bench.schedule.counters.pulses, 1)
        XCTAssertEqual(bench.schedule.counters.merged, 2)
        XCTAssertEqual(bench.schedule.counters.rejected, 3)
    }

    func testAVerdictAfterThePartReachedTheActuatorIsFailSafeRejected() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: nil)
        bench.add(2, at: 10 * ms, action: nil)
        XCTAssertTrue(bench.schedule.decide(PartID(rawValue: 2), action: .pass))
        bench.run(until: 600 * ms)
        XCTAssertEqual(bench.outcome(1), .failSafeRejected)
        XCTAssertEqual(bench.results.first?.cause, "undecided")
        XCTAssertEqual(bench.outcome(2), .passed)
        XCTAssertFalse(bench.schedule.decide(PartID(rawValue: 1), action: .pass), "too late")
        XCTAssertEqual(bench.schedule.counters.lateVerdicts, 1)
        XCTAssertEqual(bench.levels, [true, false])
    }

    func testAPartTheExpertDidNotJudgeIsFailSafeRejectedWithItsReason() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: nil)
        bench.add(2, at: 10 * ms, action: nil)
        XCTAssertTrue(bench.schedule.decide(PartID(rawValue: 1), action: .reject, notInspected: "no_frame"))
        XCTAssertTrue(bench.schedule.decide(PartID(rawValue: 2), action: .reject))
        bench.run(until: 600 * ms)
        XCTAssertEqual(bench.outcome(1), .failSafeRejected, "the line's fail-safe action, not a verdict")
        XCTAssertEqual(bench.results.first?.cause, "no_frame")
        XCTAssertEqual(bench.outcome(2), .rejected)
        XCTAssertEqual(bench.schedule.counters.failSafeRejected, 1)
        XCTAssertEqual(bench.schedule.counters.rejected, 1)
        XCTAssertEqual(bench.levels, [true, false], "the two pulses 10 ms apart merge")
    }

    func testUndecidedPartsPassWhenConfiguredSo() {
        var policy = delay()
        policy.onUndecided = .pass
        var bench = Bench(policy)
        bench.add(1, at: 0, action: nil)
        bench.run(until: 1000 * ms)
        XCTAssertEqual(bench.outcome(1), .passed)
        XCTAssertTrue(bench.trace.isEmpty)
    }

    func testWhileTheCameraIsLostPartsAreFailSafeRejected() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .pass)
        bench.add(2, at: 200 * ms, action: .pass)
        bench.step(at: 100 * ms)
        bench.schedule.setFaulted(true)
        bench.run(until: 600 * ms)
        bench.schedule.setFaulted(false)
        bench.run(until: 1000 * ms)
        XCTAssertEqual(bench.outcome(1), .failSafeRejected)
        XCTAssertEqual(bench.outcome(2), .passed, "the camera came back before the part reached the actuator")
        XCTAssertEqual(bench.levels, [true, false])
    }

    func testFreeRunHoldsTheOutputForTheWholeFault() {
        var policy = delay()
        policy.holdWhileFaulted = true
        var bench = Bench(policy)
        bench.step(at: 0)
        bench.schedule.setFaulted(true)
        bench.step(at: 10 * ms)
        bench.step(at: 5000 * ms)
        bench.schedule.setFaulted(false)
        bench.step(at: 5010 * ms)
        XCTAssertEqual(bench.trace.map(\.0), [10 * ms, 5010 * ms])
        XCTAssertEqual(bench.levels, [true, false])
        XCTAssertEqual(bench.schedule.counters.faultHolds, 1)
    }

    func testStopInTheMiddleOfAPulseLeavesTheOutputInactive() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 300 * ms, action: .reject)
        bench.add(3, at: 310 * ms, action: .pass)
        bench.run(until: 520 * ms)
        XCTAssertTrue(bench.schedule.outputActive)
        bench.now = 520 * ms
        bench.record(bench.schedule.stop(now: bench.now))
        XCTAssertEqual(bench.levels, [true, false])
        XCTAssertEqual(bench.trace.last?.0, 520 * ms)
        XCTAssertFalse(bench.schedule.outputActive)
        XCTAssertEqual(bench.outcome(2), .missed, "a reject still in flight at stop is not rejected")
        XCTAssertEqual(bench.outcome(3), .passed)
        XCTAssertEqual(bench.schedule.counters.ended, 3)
        XCTAssertEqual(bench.schedule.inFlight, 0)
    }

    func testAPartTheSchedulerReachesTooLateIsMissedNotPulsed() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 400 * ms, action: .reject)
        bench.step(at: 700 * ms) // part 1 due at 500, 200 ms late; part 2 due at 900
        XCTAssertEqual(bench.outcome(1), .missed)
        XCTAssertTrue(bench.trace.isEmpty)
        bench.run(until: 1000 * ms)
        XCTAssertEqual(bench.outcome(2), .rejected)
        XCTAssertEqual(bench.schedule.counters.missed, 1)
    }

    func testASlightlyLateWakeFiresAndMeasuresTheError() {
        var bench = Bench(delay())
        bench.add(1, at: 0, action: .reject)
        bench.step(at: 503 * ms)
        XCTAssertEqual(bench.outcome(1), .rejected)
        XCTAssertEqual(bench.results.first?.timingErrorNanoseconds, Int64(3 * ms))
        XCTAssertEqual(bench.schedule.counters.timing.maxMs, 3)
    }

    func testEncoderModeFiresWhenTheCountIsReachedAcrossTheWrap() {
        let start = UInt32.max - 4
        var bench = Bench(RejectPolicy(timing: .encoder(counts: 10), pulseNanoseconds: 20 * ms))
        var track = EncoderTrack(startingAt: start)
        bench.add(1, at: 0, count: track.count(at: 0), action: .reject)
        bench.add(2, at: 0, count: track.count(at: 0) &+ 3, action: .pass)
        var fired: UInt32?
        for edge in 1...30 {
            let time = UInt64(edge) * 7 * ms // an uneven belt would do as well: only counts matter
            let count = track.step(at: time)
            let before = bench.trace.count
            bench.encoder(count, at: time)
            if bench.trace.count > before, bench.trace.last?.1 == true { fired = count }
            bench.step(at: time + 1 * ms)
        }
        XCTAssertEqual(fired, start &+ 10, "fired at the tenth count, after the counter wrapped")
        XCTAssertEqual(fired, 5)
        XCTAssertEqual(bench.outcome(1), .rejected)
        XCTAssertEqual(bench.outcome(2), .passed)
        XCTAssertEqual(bench.results.first?.timingErrorNanoseconds, 0)
    }

    func testEncoderTrackTellsTheCountAtAPastMoment() {
        var track = EncoderTrack(startingAt: UInt32.max - 1, capacity: 4)
        for edge in 1...6 { track.step(at: UInt64(edge) * 100) }
        XCTAssertEqual(track.count, 4)
        XCTAssertEqual(track.count(at: 650), 4)
        XCTAssertEqual(track.count(at: 450), 2)
        XCTAssertEqual(track.count(at: 300), 1)
        XCTAssertEqual(track.count(at: 250), 0, "before the oldest edge kept: one before it")
        XCTAssertTrue(RejectSchedule.reached(3, UInt32.max))
        XCTAssertFalse(RejectSchedule.reached(UInt32.max, 3))
    }

    func testABurstOfPartsEndsEachPartOnceWithItsOwnPulse() {
        var bench = Bench(delay(300, pulseMs: 5))
        var expectedRejects: [UInt64] = []
        for id in UInt64(1)...500 {
            let reject = id % 7 == 0 || id % 11 == 0
            if reject { expectedRejects.append(id) }
            bench.add(id, at: id * 20 * ms, action: reject ? .reject : .pass)
        }
        XCTAssertEqual(bench.schedule.inFlight, 500)
        bench.run(until: 20_000 * ms)
        XCTAssertEqual(bench.results.count, 500)
        XCTAssertEqual(Set(bench.results.map(\.id)).count, 500)
        let rejected = bench.results.filter { $0.outcome == .rejected }.map { UInt64($0.id.rawValue) }
        XCTAssertEqual(rejected, expectedRejects)
        // Each rising edge lands exactly at a rejected part's moment + 300 ms.
        let rises = bench.trace.filter(\.1).map(\.0)
        XCTAssertEqual(rises, expectedRejects.map { $0 * 20 * ms + 300 * ms })
        XCTAssertEqual(bench.schedule.counters.pulses, UInt64(expectedRejects.count))
        XCTAssertEqual(bench.schedule.counters.merged, 0)
    }

    func testAFullQueueRefusesPartsAsMissed() {
        var bench = Bench(delay(), capacity: 2)
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 1, action: .reject)
        bench.add(3, at: 2, action: .reject)
        XCTAssertEqual(bench.outcome(3), .missed)
        XCTAssertEqual(bench.schedule.counters.queueFull, 1)
    }

    func testAnUnconfirmedPulseRaisesTheAlarm() {
        var policy = delay()
        policy.confirmNanoseconds = 30 * ms
        var bench = Bench(policy)
        bench.add(1, at: 0, action: .reject)
        bench.add(2, at: 1000 * ms, action: .reject)
        bench.run(until: 600 * ms)
        XCTAssertEqual(bench.schedule.counters.unconfirmed, 1, "nothing confirmed the first pulse")
        bench.step(at: 1500 * ms)
        XCTAssertTrue(bench.schedule.outputActive)
        bench.schedule.confirm(at: 1506 * ms)
        bench.run(until: 2000 * ms)
        XCTAssertEqual(bench.schedule.counters.unconfirmed, 1)
    }
}
