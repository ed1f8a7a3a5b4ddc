import Dispatch
import Foundation
import XCTest
@testable import Kernels

/// Timings of the int8 1x1 convolution and nearest-neighbour search, printed and never asserted;
/// skipped unless EAGLE_BENCH=1 (run in release:
/// `EAGLE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter Int8KernelBenchmarks`).
final class Int8KernelBenchmarks: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["EAGLE_BENCH"] == "1", "set EAGLE_BENCH=1 to run benchmarks")
    }

    override func tearDown() {
        InstructionSet.force(InstructionSet.detected)
        setThreadCount(1)
        super.tearDown()
    }

    /// The best of `runs` timings of `body`, in seconds (the machine is shared: the minimum is the
    /// figure least disturbed by other work).
    private func best(_ runs: Int, _ body: () -> Void) -> Double {
        body()
        var fastest = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return fastest
    }

    func testForkJoinOverhead() {
        let calls = 2000
        let sink = SharedBuffer(UnsafeMutableBufferPointer<Int>.allocate(capacity: 2))
        defer { sink.pointer.deallocate() }
        let dispatch = best(5) {
            for _ in 0..<calls { DispatchQueue.concurrentPerform(iterations: 2) { sink[$0] &+= 1 } }
        } / Double(calls)
        let pool = best(5) {
            for _ in 0..<calls { Parallel.forEach(2, workers: 2) { sink[$0] &+= 1 } }
        } / Double(calls)
        print(String(format: "fork/join of 2 trivial iterations: DispatchQueue.concurrentPerform %.2f us, Parallel.forEach(workers: 2) pool %.2f us", dispatch * 1e6, pool * 1e6))
    }

    func testPointwiseShapes() throws {
        print("int8 1x1 convolution, \(InstructionSet.detected.rawValue); GMAC/s int8 (1 thread, 2 threads) vs fp32 OpenBLAS sgemm (1, 2)")
        // (positions, in, out, how many such layers up to block 10)
        let shapes = [(12544, 32, 16, 1), (12544, 16, 96, 1), (3136, 96, 24, 1), (3136, 24, 144, 2), (3136, 144, 24, 1),
                      (784, 144, 40, 1), (784, 40, 240, 2), (784, 240, 40, 1), (196, 240, 80, 1), (196, 80, 480, 3),
                      (196, 480, 80, 2), (196, 480, 112, 1), (196, 112, 672, 2), (196, 672, 112, 2)]
        var rng = SeededGenerator(seed: 0xBE)
        var totals = [Double](repeating: 0, count: 6)   // int8 1t, 2t, portable 1t, fp32 1t, 2t; MACs
        for (m, k, n, count) in shapes {
            let side = Int(Double(m).squareRoot())
            let input = try QuantizationParameters(scale: 0.05, zeroPoint: -20)
            let output = try QuantizationParameters(scale: 0.05, zeroPoint: 3)
            let weights = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
            let bias = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
            let layer = try QuantizedPointwiseConvolution(inChannels: k, outChannels: n, weights: weights, bias: bias,
                                                          input: input, output: output, activation: .relu6)
            let x = try QuantizedTensor(height: side, width: side, channels: k,
                                        values: (0..<(m * k)).map { _ in Int8.random(in: -128...127, using: &rng) }, parameters: input)
            let fp32 = try PointwiseConvolution(inChannels: k, outChannels: n, weights: weights, bias: bias, activation: .relu6)
            let xf = randomTensor(channels: k, height: side, width: side, using: &rng)
            let runs = max(5, min(200, 20_000_000 / (m * k * n)))
            var seconds: [Double] = []
            for threads in [1, 2] {
                setThreadCount(threads)
                seconds.append(best(runs) { _ = layer.apply(x) })
            }
            setThreadCount(1)
            InstructionSet.force(.portable)
            seconds.append(best(max(2, runs / 10)) { _ = layer.apply(x) })
            InstructionSet.force(InstructionSet.detected)
            for threads in [1, 2] {
                setThreadCount(threads)
                seconds.append(best(runs) { _ = fp32.apply(xf) })
            }
            setThreadCount(1)
            let macs = Double(m * k * n)
            for i in 0..<5 { totals[i] += seconds[i] * Double(count) }
            totals[5] += macs * Double(count)
            let rates = seconds.map { macs / $0 * 1e-9 }
            print(String(format: "  M=%5d %3d->%3d x%d: int8 %6.1f %6.1f GMAC/s (%.3f ms 1t) | portable %5.1f | fp32 %6.1f %6.1f GMAC/s",
                         m, k, n, count, rates[0], rates[1], seconds[0] * 1e3, rates[2], rates[3], rates[4]))
        }
        print(String(format: "  all 1x1 convolutions to block 10 (%.0f M MACs): int8 %.2f ms (1 thread) %.2f ms (2 threads), portable %.2f ms, fp32 %.2f ms / %.2f ms",
                     totals[5] * 1e-6, totals[0] * 1e3, totals[1] * 1e3, totals[2] * 1e3, totals[3] * 1e3, totals[4] * 1e3))
    }

    func testNearestNeighbourSearch() throws {
        var rng = SeededGenerator(seed: 0xBF)
        let d = 192, bankCount = 1639, queryCount = 784
        let bank = try QuantizedRows((0..<(bankCount * d)).map { _ in rng.nextGaussian() }, count: bankCount, dimension: d)
        let queries = try NearestNeighbour.queries((0..<(queryCount * d)).map { _ in rng.nextGaussian() }, count: queryCount, dimension: d)
        let macs = Double(bankCount * d * queryCount)
        for threads in [1, 2] {
            setThreadCount(threads)
            let s = best(10) { _ = NearestNeighbour.search(queries, in: bank) }
            print(String(format: "nearest neighbour %d x %d x %d, %@, %d thread(s): %.2f ms (%.1f GMAC/s)",
                         queryCount, bankCount, d, InstructionSet.current.rawValue, threads, s * 1e3, macs / s * 1e-9))
        }
        setThreadCount(1)
        InstructionSet.force(.portable)
        let s = best(2) { _ = NearestNeighbour.search(queries, in: bank) }
        print(String(format: "nearest neighbour, portable, 1 thread: %.2f ms", s * 1e3))
    }
}
