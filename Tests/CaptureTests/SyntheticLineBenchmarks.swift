import Dispatch
import Foundation
import XCTest
@testable import Capture

/// Frame times of the synthetic line, printed and never asserted; skipped unless EAGLE_BENCH=1
/// (run in release:
/// `EAGLE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter SyntheticLineBenchmarks`).
final class SyntheticLineBenchmarks: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["EAGLE_BENCH"] == "1", "set EAGLE_BENCH=1 to run benchmarks")
    }

    /// Milliseconds `body` takes.
    private func milliseconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-6
    }

    /// Median and p90 (nearest rank) of `samples`, as text.
    private func summary(_ samples: [Double]) -> String {
        let sorted = samples.sorted()
        func rank(_ q: Double) -> Double { sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)] }
        return String(format: "median %6.2f ms  p90 %6.2f ms", rank(0.5), rank(0.9))
    }

    /// The plain reference renderer and the sprite compositor on the same parts, taking turns
    /// part by part so a period when the shared machine runs slower falls on both alike.
    func testVGAFrameTimes() throws {
        let parts = 100
        print("synthetic line, 640x480, one thread, \(parts) parts each, reference and compositor alternating")
        for product in SyntheticProduct.allCases {
            for rate in [0.1, 1.0] {
                let line = SyntheticLine(width: 640, height: 480, framesPerSecond: nil, seed: 42, defectRate: rate, product: product)
                let started = DispatchTime.now().uptimeNanoseconds
                _ = try line.start()
                let setup = Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-6
                _ = line.renderReference(part: parts)
                var reference: [Double] = [], composited: [Double] = []
                for part in 0..<parts {
                    reference.append(milliseconds { _ = line.renderReference(part: part) })
                    composited.append(milliseconds { _ = line.render(part: part) })
                }
                let ratio = reference.sorted()[parts / 2] / max(composited.sorted()[parts / 2], 1e-9)
                print("\(product.rawValue), defect rate \(rate):")
                print("  reference   \(summary(reference))")
                print("  compositor  \(summary(composited))   \(String(format: "%.1f", ratio))x faster (medians)")
                print(String(format: "  start (belt loop, noise field, %d sprites): %.1f ms; sprites %.2f MB",
                             line.spriteCache.count, setup, Double(line.spriteCache.bytes) / 1_048_576))
            }
        }
    }
}
