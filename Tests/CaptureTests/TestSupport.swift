import Capture
import EagleLog
import Foundation
import Glibc
import Imaging
import XCTest

/// `../shared/data` beside the package root: real images nobody on the project made.
enum SharedData {
    static func path(_ relative: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
        let path = root.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("missing reference data \(path): the checkout needs ../shared beside it", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return path
    }
}

/// Collects log lines so tests can check what was logged, and how often.
final class CollectingSink: LogSink {
    private let collected = Recorder<String>()

    func write(line: String) { collected.append(line) }

    var lines: [String] { collected.values }

    func count(containing text: String) -> Int { lines.filter { $0.contains(text) }.count }

    func logger(_ label: String = "capture") -> Logger {
        Logger(label: label, minimumLevel: .info, format: .plain, sink: self)
    }
}

/// A thread-safe list of values appended from the capture thread (health changes).
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []

    func append(_ value: Value) {
        lock.lock()
        stored.append(value)
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// A temporary directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-capture-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
    while MonotonicClock.now() < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

/// BT.601 limited-range RGB -> YUYV, the inverse of what `PixelConversion.yuyvToRGB` decodes:
/// how the tests make camera-like frames from real images. Chroma is the average of each pair.
func yuyv(from image: RGBImage) -> [UInt8] {
    precondition(image.width % 2 == 0)
    var out = [UInt8](repeating: 0, count: image.width * image.height * 2)
    func clamp(_ v: Double) -> UInt8 { UInt8(max(0, min(255, v.rounded()))) }
    for y in 0..<image.height {
        for x in stride(from: 0, to: image.width, by: 2) {
            var ys = [Double](), us = [Double](), vs = [Double]()
            for k in 0..<2 {
                let (r8, g8, b8) = image.rgb(x: x + k, y: y)
                let r = Double(r8), g = Double(g8), b = Double(b8)
                ys.append(16 + 0.256788 * r + 0.504129 * g + 0.097906 * b)
                us.append(128 - 0.148223 * r - 0.290993 * g + 0.439216 * b)
                vs.append(128 + 0.439216 * r - 0.367788 * g - 0.071427 * b)
            }
            let i = (y * image.width + x) * 2
            out[i] = clamp(ys[0])
            out[i + 1] = clamp((us[0] + us[1]) / 2)
            out[i + 2] = clamp(ys[1])
            out[i + 3] = clamp((vs[0] + vs[1]) / 2)
        }
    }
    return out
}

/// Peak signal-to-noise ratio in dB; 0 (never good enough) when the sizes differ.
func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    (try? a.psnr(to: b)) ?? 0
}
