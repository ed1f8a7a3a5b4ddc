import Explain
import Foundation
import Imaging
import Inspection
import XCTest

@testable import Appliance

/// The status page of a running line, read by curl: the page, the live view, the JSON of the
/// journal's parts, the token, and `/healthz` before, while and after the line runs.
final class StatusPageTests: XCTestCase {
    /// The aarch64 test root has no curl; x86-64 runs these tests.
    override func setUpWithError() throws { _ = try tool("curl", package: "curl") }

    func testEndpointsShowTheRunningLine() throws {
        let running = try RunningLine(test: self)
        try running.wait { $0.counters.parts >= 8 }

        let page = try curl(running.url("/"))
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.contentType.hasPrefix("text/html"), page.contentType)
        XCTAssertTrue(page.text.contains("Last rejects"))

        let health = try curl(running.url("/healthz"))
        XCTAssertEqual([health.status: health.text], [200: "ok\n"])

        let status = try curl(running.url("/api/status")).json()
        XCTAssertEqual(status["overall"] as? String, "ok")
        let verdicts = try XCTUnwrap(status["verdicts"] as? [String: Int])
        XCTAssertGreaterThanOrEqual(verdicts.values.reduce(0, +), 8)
        let components = try XCTUnwrap(status["health"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(components, ["camera", "expert", "journal", "archive"])

        let live = try curl(running.url("/live.jpg"))
        XCTAssertEqual(live.contentType, "image/jpeg")
        let frame = try JPEG.decodeRGB([UInt8](live.body))
        XCTAssertEqual([frame.width, frame.height], [80, 72], "the live view is the camera's frame")

        XCTAssertEqual(try curl(running.url("/nowhere")).status, 404)
        XCTAssertEqual(try curl(running.url("/api/parts?limit=0")).status, 400)
        XCTAssertEqual(try curl(running.url("/api/parts?outcome=maybe")).status, 400)
    }

    func testPartsComeFromTheJournalNewestFirstPageByPage() throws {
        let running = try RunningLine(test: self)
        try running.wait { $0.counters.parts >= 8 }
        running.stopLine()
        let journal = try Journal(path: running.config.storage.journal, access: .readOnly)
        let newest = try journal.parts(PartQuery(limit: 6)).reversed().map(\.id.rawValue)

        let first = try curl(running.url("/api/parts?limit=3")).json()
        let firstIDs = try XCTUnwrap(first["parts"] as? [[String: Any]]).compactMap { ($0["part_id"] as? NSNumber)?.int64Value }
        XCTAssertEqual(firstIDs, Array(newest.prefix(3)))
        let next = try XCTUnwrap((first["next_before"] as? NSNumber)?.int64Value)
        let second = try curl(running.url("/api/parts?limit=3&before=\(next)")).json()
        let secondIDs = try XCTUnwrap(second["parts"] as? [[String: Any]]).compactMap { ($0["part_id"] as? NSNumber)?.int64Value }
        XCTAssertEqual(secondIDs, Array(newest.suffix(3)), "the next page goes on where the first ended")

        let part = try XCTUnwrap(try XCTUnwrap(first["parts"] as? [[String: Any]]).first)
        let record = try XCTUnwrap(try journal.part(PartID(rawValue: firstIDs[0])))
        XCTAssertEqual(part["verdict"] as? String, record.verdict?.rawValue)
        XCTAssertEqual(part["action"] as? String, record.action.rawValue)
        XCTAssertEqual((part["boxes"] as? [Any])?.count, record.boxes.count)
        XCTAssertEqual(part["has_image"] as? Bool, record.images.frame != nil)
    }

    func testRejectsCarryTheirImageAndExplanation() throws {
        let running = try RunningLine(test: self)
        try running.wait { $0.counters.actionReject >= 2 }
        running.stopLine()
        let reject = try XCTUnwrap(try Journal(path: running.config.storage.journal).parts(PartQuery(action: .reject, limit: 1)).first)
        try Journal(path: running.config.storage.journal).append(
            ExplanationRecord(partID: reject.id, status: .explained, explanation: Explanation(description: "a bright square on the label"),
                              model: "stand-in-vl"), publish: false)

        let rejects = try XCTUnwrap(try curl(running.url("/api/parts?outcome=reject&limit=5")).json()["parts"] as? [[String: Any]])
        XCTAssertFalse(rejects.isEmpty)
        XCTAssertTrue(rejects.allSatisfy { $0["action"] as? String == "reject" })
        let shown = try XCTUnwrap(rejects.first)
        XCTAssertEqual((shown["part_id"] as? NSNumber)?.int64Value, reject.id.rawValue)
        XCTAssertEqual(shown["explanation"] as? String, "a bright square on the label")
        XCTAssertEqual(shown["explanation_status"] as? String, "explained")

        let image = try curl(running.url("/parts/\(reject.id)/image.jpg"))
        XCTAssertEqual(image.status, 200)
        XCTAssertEqual(try JPEG.decodeRGB([UInt8](image.body)).width, 80)
        XCTAssertEqual(try curl(running.url("/parts/999999/image.jpg")).status, 404)
    }

    func testATokenIsRequiredEverywhereButHealthz() throws {
        let running = try RunningLine(test: self, token: "t0k3n-for-the-page")
        try running.wait { $0.counters.parts >= 2 }
        for path in ["/", "/live.jpg", "/api/status", "/api/parts", "/metrics", "/parts/1/image.jpg"] {
            XCTAssertEqual(try curl(running.url(path)).status, 401, "\(path) without a token")
            XCTAssertEqual(try curl(running.url(path), headers: ["Authorization: Bearer wrong"]).status, 401, "\(path), wrong token")
            XCTAssertEqual(try curl(running.url(path + "?token=t0k3n-for-the-pag")).status, 401, "\(path), a prefix of the token")
        }
        XCTAssertEqual(try curl(running.url("/api/status"), headers: ["Authorization: Bearer t0k3n-for-the-page"]).status, 200)
        XCTAssertEqual(try curl(running.url("/metrics?token=t0k3n-for-the-page")).status, 200)
        XCTAssertEqual(try curl(running.url("/?token=t0k3n-for-the-page")).status, 200)
        XCTAssertEqual(try curl(running.url("/healthz")).status, 200, "probes need no secret")
    }

    func testHealthzSays503AndWhyWhenTheLineIsDown() throws {
        let running = try RunningLine(test: self)
        try running.wait { $0.counters.parts >= 1 }
        XCTAssertEqual(try curl(running.url("/healthz")).status, 200)
        running.stopLine()
        let stopped = try curl(running.url("/healthz"))
        XCTAssertEqual(stopped.status, 503)
        XCTAssertEqual(stopped.text, "failed: camera failed (stopped)\n")

        var config = running.config
        config.web.listen.port = 0
        let starting = try XCTUnwrap(StatusPage(config: config, logger: .init(label: "web-test", minimumLevel: .critical)))
        let port = try XCTUnwrap(starting.start { nil })
        defer { starting.stop() }
        let before = try curl("http://127.0.0.1:\(port)/healthz")
        XCTAssertEqual([before.status: before.text], [503: "failed: line starting\n"])
    }

    func testAPortInUseLeavesTheLineWithoutThePage() throws {
        let running = try RunningLine(test: self)
        var config = running.config
        config.web.listen.port = running.port
        let second = try XCTUnwrap(StatusPage(config: config, logger: .init(label: "web-test", minimumLevel: .critical)))
        XCTAssertNil(second.start { nil }, "the port is the first page's")
    }
}
