import Foundation
import XCTest

final class CamerasCommandTests: XCTestCase {
    private func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("eagle-dev-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testThisMachineWithoutACameraSaysSoAndSucceeds() throws {
        let nodes = (try FileManager.default.contentsOfDirectory(atPath: "/dev")).filter { $0.hasPrefix("video") }
        guard nodes.isEmpty else { throw XCTSkip("this machine has V4L2 nodes: \(nodes)") }
        let outcome = try EagleEdgeProcess.run(["cameras"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "no V4L2 capture device found (looked for /dev/video*)\n")
        XCTAssertTrue(outcome.stderr.isEmpty, outcome.stderr)
    }

    func testEmptyDeviceDirectoryAsTextAndJSON() throws {
        let dir = try directory()
        let text = try EagleEdgeProcess.run(["cameras", "--device-directory", dir])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("no V4L2 capture device found"), text.stdout)
        let json = try EagleEdgeProcess.run(["cameras", "--json", "--device-directory", dir])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["cameras"] as? [Any])?.count, 0)
        XCTAssertEqual((object["errors"] as? [Any])?.count, 0)
    }

    func testNodesThatCannotBeQueriedAreReportedOneByOneAndFailTheCommand() throws {
        let dir = try directory()
        for name in ["video0", "video1"] {
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data())
        }
        let outcome = try EagleEdgeProcess.run(["cameras", "--device-directory", dir])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stdout.contains("2 node(s) could not be queried"), outcome.stdout)
        let lines = outcome.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, outcome.stderr)
        XCTAssertTrue(lines[0].hasPrefix("eagle-edge: \(dir)/video0: VIDIOC_QUERYCAP"), outcome.stderr)
        XCTAssertTrue(lines[1].hasPrefix("eagle-edge: \(dir)/video1: VIDIOC_QUERYCAP"), outcome.stderr)

        let json = try EagleEdgeProcess.run(["cameras", "--json", "--device-directory", dir])
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let errors = try XCTUnwrap(object["errors"] as? [[String: String]])
        XCTAssertEqual(errors.map { $0["path"] }, [dir + "/video0", dir + "/video1"])
    }

    func testHelpListsTheCommand() throws {
        let help = try EagleEdgeProcess.run(["--help"])
        XCTAssertTrue(help.stdout.contains("cameras"), help.stdout)
        let own = try EagleEdgeProcess.run(["cameras", "--help"])
        XCTAssertEqual(own.status, 0)
        XCTAssertTrue(own.stdout.contains("--json"), own.stdout)
        XCTAssertFalse(own.stdout.contains("device-directory"), "the test hook stays hidden")
    }
}
