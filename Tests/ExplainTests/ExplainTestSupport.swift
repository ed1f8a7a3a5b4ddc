import EagleLog
import Explain
import Foundation
import Imaging
import Inspection
import XCTest

/// A flagged part on a plain grey frame with a dark scratch inside its first suspect box; its
/// score (0.8374) is distinctive so that a test can tell it never leaves in a request.
func flaggedSubject(id: Int64 = 1, verdict: Verdict = .reject, boxes: [SuspectBox]? = nil) -> ExplainSubject {
    var frame = RGBImage(width: 320, height: 240, fill: 170)
    frame.fill(Rect(x: 110, y: 72, width: 24, height: 3), color: RGBColor(r: 30, g: 30, b: 30))
    let part = Part(id: PartID(rawValue: id), frame: nil, decidedAt: Date(timeIntervalSince1970: 1_800_000_000),
                    recipe: "demo", modelID: "m", score: 3.217, normalizedScore: 0.8374, verdict: verdict,
                    reason: verdict == .unsure ? .unsureBand : .aboveThreshold, action: .reject,
                    boxes: boxes ?? [SuspectBox(x: 100, y: 60, width: 40, height: 30, score: 0.8374),
                                     SuspectBox(x: 250, y: 180, width: 20, height: 20, score: 0.61)])
    return ExplainSubject(part: part, frame: frame, region: Rect(x: 0, y: 0, width: 320, height: 240))
}

let demoKnowledge = ProductKnowledge(parsing: """
    # demo product
    A round white bottle cap seen from above.
    defect: scratch - a thin dark line across the top
    defect: dent - a flattened part of the rim
    """)

/// Log lines kept in memory.
final class CapturedLog: LogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func write(line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// Outcomes reported by an explainer, in order.
final class OutcomeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ExplanationRecord] = []

    func append(_ record: ExplanationRecord) {
        lock.lock()
        stored.append(record)
        lock.unlock()
    }

    var records: [ExplanationRecord] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// Red pixels (as EAGLE's boxes are drawn) in `image`.
func redPixels(_ image: RGBImage) -> Int {
    var count = 0
    for i in stride(from: 0, to: image.pixels.count, by: 3)
    where image.pixels[i] > 200 && image.pixels[i + 1] < 60 && image.pixels[i + 2] < 60 {
        count += 1
    }
    return count
}

/// The JPEG behind a `data:image/jpeg;base64,` URL.
func jpegBytes(dataURL: String) -> [UInt8]? {
    let prefix = "data:image/jpeg;base64,"
    guard dataURL.hasPrefix(prefix), let data = Data(base64Encoded: String(dataURL.dropFirst(prefix.count))) else { return nil }
    return Array(data)
}

/// The image URLs and the text of a request body's user message.
func userContent(_ body: JSONValue) -> (images: [String], text: String) {
    guard case .array(let messages)? = body["messages"] else { return ([], "") }
    var images: [String] = [], text: [String] = []
    for message in messages {
        if let plain = message["content"]?.stringValue { text.append(plain) }
        guard case .array(let parts)? = message["content"] else { continue }
        for part in parts {
            if let url = part["image_url"]?["url"]?.stringValue { images.append(url) }
            if let words = part["text"]?.stringValue { text.append(words) }
        }
    }
    return (images, text.joined(separator: "\n"))
}
