import XCTest
@testable import Kernels

/// `MatrixProduct` and `Parallel` live in Kernels for the memory bank and the coreset sampler;
/// they are checked here with the rest of the module.
final class MatrixProductTests: XCTestCase {
    func testSgemmMatchesReferenceOnRandomShapes() {
        var rng = SeededGenerator(seed: 0x3A)
        for trial in 0..<60 {
            let m = Int.random(in: 1...19, using: &rng), n = Int.random(in: 1...19, using: &rng)
            let k = Int.random(in: 1...40, using: &rng)
            let transposeB = trial % 2 == 1
            let a = randomValues(m * k, using: &rng), b = randomValues(k * n, using: &rng)
            assertClose(MatrixProduct.multiply(a, b, m: m, n: n, k: k, transposeB: transposeB),
                        MatrixProduct.multiplyReference(a, b, m: m, n: n, k: k, transposeB: transposeB),
                        "trial \(trial): \(m)x\(k) by \(k)x\(n) transposeB \(transposeB)")
        }
    }

    func testHandComputedProductAndTranspose() {
        // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]; with B transposed, [17 23; 39 53].
        XCTAssertEqual(MatrixProduct.multiply([1, 2, 3, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2), [19, 22, 43, 50])
        XCTAssertEqual(MatrixProduct.multiply([1, 2, 3, 4], [5, 6, 7, 8], m: 2, n: 2, k: 2, transposeB: true), [17, 23, 39, 53])
        XCTAssertEqual(MatrixProduct.multiply([], [], m: 2, n: 3, k: 0), [0, 0, 0, 0, 0, 0])
    }

    func testParallelForEachVisitsEveryIndexOnce() {
        var counts = [Int](repeating: 0, count: 100)
        counts.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            Parallel.forEach(100) { i in shared[i] += 1 }
        }
        XCTAssertEqual(counts, [Int](repeating: 1, count: 100))
    }
}
