import XCTest
@testable import Kernels

final class BasicsTests: XCTestCase {
    func testTensorIsChannelMajorRowMajor() throws {
        let t = try Tensor3(channels: 2, height: 2, width: 3, values: (0..<12).map(Float.init))
        XCTAssertEqual(t[0, 0, 2], 2)
        XCTAssertEqual(t[0, 1, 0], 3)
        XCTAssertEqual(t[1, 0, 0], 6)
        XCTAssertEqual(t[1, 1, 2], 11)
        XCTAssertEqual(t.planeSize, 6)
    }

    func testTensorRejectsAWrongCount() {
        XCTAssertThrowsError(try Tensor3(channels: 2, height: 2, width: 3, values: [1, 2, 3])) { error in
            XCTAssertEqual(error as? KernelError, .shapeMismatch("tensor 2x2x3 needs 12 values, got 3"))
        }
    }

    func testReluSixClamps() {
        XCTAssertEqual([-1, 0, 3.5, 6, 7].map(ActivationClamp.relu6.apply), [0, 0, 3.5, 6, 6])
        XCTAssertEqual([-1, 7].map(ActivationClamp.none.apply), [-1, 7])
    }

    func testThreadCountIsSetForOpenBLAS() {
        let before = Kernels.threadCount
        defer { Kernels.setThreadCount(before) }
        Kernels.setThreadCount(1)
        XCTAssertEqual(Kernels.threadCount, 1)
    }
}
