@testable import Actuate
import EagleLog
import Inspection
import Synchronization
import XCTest

/// The scheduler's thread against a recording fake line: what the outputs do at start, for a
/// part and at stop. The timing itself is the schedule's (RejectScheduleTests).
final class RejectSchedulerTests: XCTestCase {
    /// A line that records every level it is set to.
    final class FakeLine: DigitalOutput, @unchecked Sendable {
        let levels = Mutex<[Bool]>([])
        func set(_ active: Bool) throws { levels.withLock { $0.append(active) } }
        func close() {}
        var history: [Bool] { levels.withLock { $0 } }
    }

    private func scheduler(_ reject: FakeLine, ready: FakeLine? = nil,
                           onResult: @escaping @Sendable (RejectResult) -> Void = { _ in }) -> RejectScheduler {
        let policy = RejectPolicy(timing: .delay(nanoseconds: 20_000_000), pulseNanoseconds: 5_000_000,
                                   lateToleranceNanoseconds: 10_000_000_000) // a loaded test machine may wake late
        return RejectScheduler(policy: policy, lines: .init(reject: reject, ready: ready), logger: Logger(label: "reject", minimumLevel: .error),
                               onResult: onResult)
    }

    func testStartAndStopNeverPulse() {
        let reject = FakeLine()
        let ready = FakeLine()
        let scheduler = scheduler(reject, ready: ready)
        scheduler.start()
        scheduler.setHealth(ready: true, faulted: false)
        let readyOn = expectation(description: "ready on")
        DispatchQueue.global().async {
            while !ready.history.contains(true) { usleep(1000) }
            readyOn.fulfill()
        }
        wait(for: [readyOn], timeout: 10)
        scheduler.stop()
        XCTAssertFalse(reject.history.contains(true), "\(reject.history)")
        XCTAssertEqual(reject.history.last, false)
        XCTAssertEqual(ready.history.last, false, "ready drops when the scheduler stops")
    }

    func testAPartIsRejectedOnTheThreadAndTheOutputEndsInactive() {
        let reject = FakeLine()
        let done = expectation(description: "part ended")
        let outcome = Mutex<RejectResult?>(nil)
        let scheduler = scheduler(reject) { result in
            outcome.withLock { $0 = result }
            done.fulfill()
        }
        scheduler.start()
        scheduler.add(PartID(rawValue: 7), at: MonotonicTime.now(), action: .reject)
        wait(for: [done], timeout: 10)
        let stopped = expectation(description: "pulse over")
        DispatchQueue.global().async {
            while reject.history.last != false || !reject.history.contains(true) { usleep(1000) }
            stopped.fulfill()
        }
        wait(for: [stopped], timeout: 10)
        scheduler.stop()
        let result = outcome.withLock { $0 }
        XCTAssertEqual(result?.id, PartID(rawValue: 7))
        XCTAssertEqual(result?.outcome, .rejected)
        XCTAssertEqual(reject.history.filter { $0 }.count, 1, "one pulse: \(reject.history)")
        XCTAssertEqual(scheduler.counters.ended, 1)
        XCTAssertEqual(reject.history.last, false)
    }
}
