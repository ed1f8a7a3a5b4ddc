import SeededRandom
import XCTest
@testable import Kernels

/// Seeded so random tests replay the same inputs.
typealias SeededGenerator = SplitMix64

/// `count` values uniform in -1...1: activations and folded weights of that order.
func randomValues(_ count: Int, using rng: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
}

func randomTensor(channels: Int, height: Int, width: Int, using rng: inout SeededGenerator) -> Tensor3 {
    // The count matches the shape by construction.
    try! Tensor3(channels: channels, height: height, width: width,
                 values: randomValues(channels * height * width, using: &rng))
}

/// Asserts `actual` is within 1e-4 * (1 + max|expected|) of `expected` everywhere.
///
/// The optimised kernels sum the same products as the reference in another order (sgemm blocks
/// and vectorises the reduction, uses FMA; the depthwise kernel accumulates tap by tap), and Float
/// rounding depends on that order. With inputs in -1...1 and at most a few hundred terms the
/// difference stays near 1e-6 of the largest magnitude; 1e-4 leaves room while still catching a
/// misplaced tap, which moves a value by the size of a weight.
func assertClose(_ actual: [Float], _ expected: [Float], _ what: @autoclosure () -> String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(what()): count", file: file, line: line)
    guard actual.count == expected.count else { return }
    let scale = expected.reduce(Float(0)) { Swift.max($0, abs($1)) }
    let worst = zip(actual, expected).reduce(Float(0)) { Swift.max($0, abs($1.0 - $1.1)) }
    XCTAssertLessThanOrEqual(worst, 1e-4 * (1 + scale), "\(what()): max abs difference", file: file, line: line)
}

/// Shape and values of two tensors, as `assertClose` on the values.
func assertClose(_ actual: Tensor3, _ expected: Tensor3, _ what: @autoclosure () -> String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.channels, expected.channels, "\(what()): channels", file: file, line: line)
    XCTAssertEqual(actual.height, expected.height, "\(what()): height", file: file, line: line)
    XCTAssertEqual(actual.width, expected.width, "\(what()): width", file: file, line: line)
    assertClose(actual.values, expected.values, what(), file: file, line: line)
}
