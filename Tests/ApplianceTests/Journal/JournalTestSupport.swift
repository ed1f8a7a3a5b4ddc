import EagleLog
import Foundation
import Inspection
import XCTest

@testable import Appliance

/// Parts with every field exercised: each kind of outcome, boxes, missing stages, images, frame
/// stamps beyond Int64's range, text that needs quoting. Times are whole milliseconds, as the
/// journal keeps them, so records round-trip exactly.
enum SampleParts {
    /// 2026-11-29, a fixed time so tests do not depend on the clock.
    static let start: Int64 = 1_796_000_000_000

    static func time(_ id: Int64) -> Date { UTCTimestamp.date(milliseconds: start + id * 33) }

    static func part(_ id: Int64, decidedAt: Date? = nil) -> Part {
        let at = decidedAt ?? time(id)
        let raw = Double(id % 97) / 10
        switch id % 5 {
        case 0:
            return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id) * 2, monotonicNanoseconds: 5_000_000_000 + UInt64(id)),
                        decidedAt: at, recipe: "bottle", modelID: "sha256:0a1b", score: raw, normalizedScore: 0.1 + raw / 100,
                        verdict: .pass, reason: .belowThreshold, action: .pass,
                        timings: StageTimings(waitMs: 0.25, decodeMs: 1.5, preprocessMs: 0.75, expertMs: 4.125, totalMs: 6.625))
        case 1:
            let boxes = (0..<(1 + Int(id % 3))).map { SuspectBox(x: $0 * 10, y: 20, width: 30 + $0, height: 40, score: 0.9 - Double($0) / 10) }
            return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 7_000_000_000),
                        decidedAt: at, recipe: "bottle", modelID: "sha256:0a1b", score: raw + 10, normalizedScore: 0.8,
                        verdict: .reject, reason: .aboveThreshold, action: .reject, boxes: boxes,
                        timings: StageTimings(waitMs: 0.5, decodeMs: 1, preprocessMs: 1, expertMs: 4, totalMs: 6.5),
                        images: ArchivedImages(frame: "2026/11/29/\(id).jpg", overlay: "2026/11/29/\(id)-overlay.jpg"))
        case 2:
            return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 9_000_000_000),
                        decidedAt: at, recipe: "bottle", modelID: "sha256:0a1b", score: 5.5, normalizedScore: 0.5,
                        verdict: .unsure, reason: .unsureBand, action: .reject,
                        boxes: [SuspectBox(x: 1, y: 2, width: 3, height: 4, score: 0.51)],
                        timings: StageTimings(waitMs: 0.5, decodeMs: 1, totalMs: 9.75),
                        images: ArchivedImages(overlay: "2026/11/29/\(id)-overlay.jpg"))
        case 3:
            return Part(id: PartID(rawValue: id), frame: nil, decidedAt: at, recipe: "bottle", modelID: nil,
                        score: nil, normalizedScore: nil, verdict: nil, reason: id % 2 == 0 ? .noFrame : .overBudget,
                        action: .reject)
        default:
            return Part(id: PartID(rawValue: id), frame: FrameStamp(sequence: UInt64.max - UInt64(id), monotonicNanoseconds: UInt64.max),
                        decidedAt: at, recipe: "cap, \"blue\"\nline 2", modelID: "ünïcode ✓", score: 0, normalizedScore: 0,
                        verdict: .pass, reason: .belowThreshold, action: .pass,
                        timings: StageTimings(expertMs: 3.0000000000000004))
        }
    }

    static func parts(_ ids: ClosedRange<Int64>) -> [Part] { ids.map { part($0) } }
}

/// Log lines kept in memory, to check what the writer says.
final class LogCapture: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var captured: [String] = []

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return captured
    }

    func write(line: String) {
        lock.lock()
        captured.append(line)
        lock.unlock()
    }

    var logger: Logger { Logger(label: "journal", minimumLevel: .debug, format: .plain, sink: self) }

    func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }
}

extension XCTestCase {
    /// A fresh directory for one test's journals, removed (made writable first) when it ends.
    func journalDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock {
            chmod(directory.path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        return directory
    }

    /// Waits up to `seconds` for `condition`, polling.
    func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            usleep(2_000)
        }
        return true
    }
}

/// Root ignores file modes, so read-only directories can only be tried as another user.
var runningAsRoot: Bool { getuid() == 0 }
