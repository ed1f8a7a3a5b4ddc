import Foundation
import XCTest
@testable import Kernels

/// Per-shape timings of the int8 depthwise, stem, add and conversions against the fp32 kernels
/// of the same shapes, printed, never asserted. Runs only with EAGLE_BENCH=1 (and means something
/// only in release):
///
///     EAGLE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter Int8KernelBenchmarkTests
final class Int8KernelBenchmarkTests: Int8KernelTestCase {
    private var enabled: Bool { ProcessInfo.processInfo.environment["EAGLE_BENCH"] == "1" }

    /// Median wall time of `body` in microseconds over enough runs to fill about 0.2 s.
    private func microseconds(_ body: () -> Void) -> Double {
        body()
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let once = Swift.max(1, DispatchTime.now().uptimeNanoseconds - start)
        let runs = Swift.min(400, Swift.max(9, Int(200_000_000 / once)))
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
        }
        return times.sorted()[runs / 2]
    }

    private func int8Times(_ body: () -> Void) -> (Double, Double) {
        let before = int8ThreadCount
        defer { Kernels.setThreadCount(before) }
        Kernels.setThreadCount(1)
        let one = microseconds(body)
        Kernels.setThreadCount(2)
        return (one, microseconds(body))
    }

    private func row(_ name: String, _ int8: (Double, Double), _ fp32: Double?) -> String {
        let f = { (v: Double) in String(format: "%8.1f", v) }
        return "\(name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(f(int8.0)) \(f(int8.1))   \(fp32.map(f) ?? "       -")"
    }

    func testPrintPerShapeTimes() throws {
        try XCTSkipUnless(enabled, "set EAGLE_BENCH=1 to print kernel timings")
        var rng = SeededGenerator(seed: 0xBE7C)
        var lines = ["int8 path \(Int8Kernel.path); µs, median           int8 1T  int8 2T    fp32 1T"]
        var total = (0.0, 0.0), totalFloat = 0.0
        let shapes = [(112, 32, 3, 1, 1), (112, 96, 3, 2, 1), (56, 144, 3, 1, 1), (56, 144, 5, 2, 1), (28, 240, 5, 1, 1),
                      (28, 240, 3, 2, 1), (14, 480, 3, 1, 2), (14, 480, 5, 1, 1), (14, 672, 5, 1, 2)]
        for (size, channels, kernel, stride, count) in shapes {
            let input = try QuantizationParameters(scale: 0.02, zeroPoint: -128)
            let layer = try QuantizedDepthwiseConvolution(
                channels: channels, kernelSize: kernel, stride: stride, weights: randomValues(channels * kernel * kernel, using: &rng),
                bias: randomValues(channels, using: &rng), input: input,
                output: QuantizationParameters(scale: 0.03, zeroPoint: -128), activation: .relu6)
            let x = try QuantizedTensor(height: size, width: size, channels: channels,
                                        values: randomCodes(size * size * channels, using: &rng), parameters: input)
            let float = try DepthwiseConvolution(channels: channels, kernelSize: kernel, stride: stride,
                                                 weights: randomValues(channels * kernel * kernel, using: &rng),
                                                 bias: randomValues(channels, using: &rng), activation: .relu6)
            let xf = randomTensor(channels: channels, height: size, width: size, using: &rng)
            let t = int8Times { _ = layer.apply(x) }
            let tf = microseconds { _ = float.apply(xf) }
            lines.append(row("dw \(size)x\(size)x\(channels) k\(kernel) s\(stride)\(count > 1 ? " (x\(count))" : "")", t, tf))
            total.0 += Double(count) * t.0; total.1 += Double(count) * t.1; totalFloat += Double(count) * tf
        }
        lines.append(row("depthwise total (to block 10)", total, totalFloat))

        let image = try QuantizedTensor.imageInput(rgb: (0..<(224 * 224 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) },
                                                   width: 224, height: 224)
        let stem = try QuantizedConvolution(inChannels: 3, outChannels: 32, kernelSize: 3, stride: 2, weights: randomValues(864, using: &rng),
                                            bias: randomValues(32, using: &rng), input: image.parameters,
                                            output: QuantizationParameters(scale: 0.03, zeroPoint: -128), activation: .relu6)
        let stemFloat = try Convolution(inChannels: 3, outChannels: 32, kernelSize: 3, stride: 2, weights: randomValues(864, using: &rng),
                                        bias: randomValues(32, using: &rng), activation: .relu6)
        let imageFloat = randomTensor(channels: 3, height: 224, width: 224, using: &rng)
        lines.append(row("stem 224x224x3 -> 32 s2", int8Times { _ = stem.apply(image) }, microseconds { _ = stemFloat.apply(imageFloat) }))

        var addTotal = (0.0, 0.0)
        for (size, channels, count) in [(56, 24, 1), (28, 40, 1), (14, 80, 2), (14, 112, 2)] {
            let a = try QuantizationParameters(scale: 0.031, zeroPoint: 3), b = try QuantizationParameters(scale: 0.022, zeroPoint: -9)
            let add = QuantizedAdd(a: a, b: b, output: try QuantizationParameters(scale: 0.04, zeroPoint: -1))
            let n = size * size * channels
            let x = try QuantizedTensor(height: size, width: size, channels: channels, values: randomCodes(n, using: &rng), parameters: a)
            let y = try QuantizedTensor(height: size, width: size, channels: channels, values: randomCodes(n, using: &rng), parameters: b)
            let t = int8Times { _ = add.apply(x, y) }
            lines.append(row("add \(size)x\(size)x\(channels)\(count > 1 ? " (x\(count))" : "")", t, nil))
            addTotal.0 += Double(count) * t.0; addTotal.1 += Double(count) * t.1
        }
        lines.append(row("add total", addTotal, nil))

        let bytes = (0..<(224 * 224 * 3)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        lines.append(row("image input 224x224 RGB", int8Times { _ = try? QuantizedTensor.imageInput(rgb: bytes, width: 224, height: 224) }, nil))
        for (size, channels) in [(28, 40), (14, 112), (28, 240)] {
            let x = try QuantizedTensor(height: size, width: size, channels: channels, values: randomCodes(size * size * channels, using: &rng),
                                        parameters: QuantizationParameters(scale: 0.02, zeroPoint: 5))
            let swiftLoop = microseconds { _ = dequantizedInSwift(x) }
            lines.append(row("dequantize \(size)x\(size)x\(channels)", int8Times { _ = x.dequantized() }, nil) + "   (Swift loop \(String(format: "%.1f", swiftLoop)))")
        }
        print(lines.joined(separator: "\n"))
    }

    /// The loop `dequantized()` had before it moved to C, for comparison.
    private func dequantizedInSwift(_ x: QuantizedTensor) -> Tensor3 {
        let plane = x.positions, c = x.channels, scale = x.parameters.scale, zero = x.parameters.zeroPoint
        return Tensor3(channels: c, height: x.height, width: x.width) { out in
            x.values.withUnsafeBufferPointer { q in
                for p in 0..<plane { for ch in 0..<c { out[ch * plane + p] = scale * Float(Int32(q[p * c + ch]) - zero) } }
            }
        }
    }
}
