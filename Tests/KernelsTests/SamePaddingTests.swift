import XCTest
@testable import Kernels

final class SamePaddingTests: XCTestCase {
    func testOddPaddingGoesAfter() {
        // H=4, k=3, s=2: ceil(4/2)=2 outputs, total (2-1)*2+3-4 = 1, so 0 before, 1 after.
        assertPadding(size: 4, kernel: 3, stride: 2, before: 0, after: 1, output: 2)
        // H=5, k=3, s=2: 3 outputs, total (3-1)*2+3-5 = 2, split 1/1.
        assertPadding(size: 5, kernel: 3, stride: 2, before: 1, after: 1, output: 3)
        // The stem: 224 -> 112, total 1, all of it after.
        assertPadding(size: 224, kernel: 3, stride: 2, before: 0, after: 1, output: 112)
        // Block 11 (k5, s2) at 28 -> 14: total 3, 1 before, 2 after.
        assertPadding(size: 28, kernel: 5, stride: 2, before: 1, after: 2, output: 14)
    }

    func testStrideOneKeepsTheSizeAndPadsSymmetrically() {
        assertPadding(size: 7, kernel: 3, stride: 1, before: 1, after: 1, output: 7)
        assertPadding(size: 7, kernel: 5, stride: 1, before: 2, after: 2, output: 7)
        assertPadding(size: 1, kernel: 5, stride: 1, before: 2, after: 2, output: 1)
    }

    func testPaddingIsNeverNegative() {
        // Windows at 0, 2, 4 already fit a 5-wide input: no padding.
        assertPadding(size: 5, kernel: 1, stride: 2, before: 0, after: 0, output: 3)
        assertPadding(size: 6, kernel: 2, stride: 2, before: 0, after: 0, output: 3)
        // ceil(7/3) = 3 windows of 1 at 0, 3, 6.
        assertPadding(size: 7, kernel: 1, stride: 3, before: 0, after: 0, output: 3)
    }

    func testOutputSizeIsCeilOfSizeOverStrideAndPaddingIsMinimal() {
        for size in 1...40 {
            for stride in 1...3 {
                for kernel in 1...5 {
                    let p = SamePadding(size: size, kernel: kernel, stride: stride)
                    let what = "size \(size) kernel \(kernel) stride \(stride)"
                    XCTAssertEqual(p.outputSize, Int((Double(size) / Double(stride)).rounded(.up)), what)
                    XCTAssertTrue((0...1).contains(p.after - p.before), what)
                    let lastWindowEnd = (p.outputSize - 1) * stride + kernel
                    XCTAssertLessThanOrEqual(lastWindowEnd, size + p.before + p.after, what)
                    if p.before + p.after > 0 {
                        XCTAssertEqual(lastWindowEnd, size + p.before + p.after, "\(what): more padding than needed")
                    }
                }
            }
        }
    }

    private func assertPadding(size: Int, kernel: Int, stride: Int, before: Int, after: Int, output: Int,
                               file: StaticString = #filePath, line: UInt = #line) {
        let p = SamePadding(size: size, kernel: kernel, stride: stride)
        XCTAssertEqual([p.before, p.after, p.outputSize], [before, after, output],
                       "size \(size) kernel \(kernel) stride \(stride): [before, after, output]", file: file, line: line)
    }
}
