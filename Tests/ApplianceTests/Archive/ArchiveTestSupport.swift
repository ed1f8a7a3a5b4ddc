import EagleLog
import Foundation
import Imaging
import Inspection
import XCTest

@testable import Appliance

/// 2026-12-05 23:59:59 UTC: the last second of a day, so that a local-time date would be wrong.
let lastSecondOfADay = Date(timeIntervalSince1970: 1_796_515_199)

/// A part record as the line makes it, with only what the archive reads set.
func archivePart(_ id: Int64, verdict: Verdict?, reason: DecisionReason? = nil, score: Double? = 0.7,
                 boxes: [SuspectBox] = [], hasFrame: Bool = true, decidedAt: Date = lastSecondOfADay) -> Part {
    let reason = reason ?? {
        switch verdict {
        case .pass?: DecisionReason.belowThreshold
        case .reject?: .aboveThreshold
        case .unsure?: .unsureBand
        case nil: .expertFailed
        }
    }()
    return Part(id: PartID(rawValue: id), frame: hasFrame ? FrameStamp(sequence: UInt64(id), monotonicNanoseconds: 1) : nil,
                decidedAt: decidedAt, recipe: "test", modelID: "model", score: score, normalizedScore: score,
                verdict: verdict, reason: reason, action: verdict == .pass ? .pass : .reject, boxes: boxes)
}

/// An archive over a fresh directory, closed when the test ends; quiet unless a test asks.
func makeArchive(for test: XCTestCase, directory: String? = nil, options: ImageArchive.Options = ImageArchive.Options(),
                 logger: Logger = Logger(label: "archive", minimumLevel: .critical)) throws -> ImageArchive {
    let path = try directory ?? temporaryDirectory(for: test).appendingPathComponent("images").path
    let archive = ImageArchive(directory: path, options: options, logger: logger)
    test.addTeardownBlock { archive.close(timeout: 5) }
    return archive
}

/// Plans `part` and, when kept, submits it with `frame`; returns the part as the line records it.
@discardableResult
func planAndSubmit(_ part: Part, frame: RGBImage, heatmap: PartHeatmap? = nil, in archive: ImageArchive) -> Part {
    var part = part
    part.images = archive.plan(part) ?? ArchivedImages()
    archive.submit(part, frame: frame, heatmap: heatmap)
    return part
}

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return condition()
}

/// Log lines kept in memory, to count what was logged.
final class MemoryLogSink: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var written: [String] = []

    func write(line: String) { lock.withLock { written.append(line) } }

    var lines: [String] { lock.withLock { written } }
}
