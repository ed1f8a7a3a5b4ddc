import Capture
import EagleLog
import Foundation
import Glibc
import Imaging
import XCTest

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

/// Peak signal-to-noise ratio in dB; 0 (never good enough) when the sizes differ.
func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    (try? a.psnr(to: b)) ?? 0
}
