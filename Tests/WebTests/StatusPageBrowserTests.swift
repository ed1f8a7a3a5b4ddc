import Explain
import Foundation
import Imaging
import Inspection
import XCTest

@testable import Appliance

/// The page in a real browser (Debian's headless Chromium): its script fetches the JSON, lays
/// out the last rejects with their boxes over their pictures, and keeps the live view coming.
final class StatusPageBrowserTests: XCTestCase {
    private func chromium(_ arguments: [String]) throws -> String {
        let chromium = try tool("chromium", package: "chromium")
        let profile = try temporaryDirectory(for: self)
        return try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                                  "--user-data-dir=\(profile.path)"] + arguments)
    }

    func testThePageShowsARejectWithItsBoxesAndExplanation() throws {
        _ = try tool("chromium", package: "chromium")
        let running = try RunningLine(test: self, token: "page-token")
        try running.wait { $0.counters.actionReject >= 3 }
        running.stopLine()
        let journal = try Journal(path: running.config.storage.journal)
        let rejects = try journal.parts(PartQuery(action: .reject))
        // The page lists the newest eight.
        let reject = try XCTUnwrap(rejects.suffix(8).last { !$0.boxes.isEmpty }, "the tiny expert flags its parts with boxes")
        try journal.append(ExplanationRecord(partID: reject.id, status: .explained,
                                             explanation: Explanation(description: "bright square near the left edge"),
                                             model: "stand-in-vl"), publish: false)

        let url = running.url("/?token=page-token")
        let dom = try chromium(["--virtual-time-budget=4000", "--dump-dom", url])
        XCTAssertTrue(dom.contains("<figure class=\"reject\" data-part=\"\(reject.id)\">"), dom)
        XCTAssertTrue(dom.contains("bright square near the left edge"))
        // The status came through (the line has stopped: its camera is "stopped", so failed).
        XCTAssertTrue(dom.contains("<span id=\"overall\" class=\"state-failed\">failed</span>"), dom)
        // The boxes sit over the picture, placed from its natural size once it loaded.
        let figure = try XCTUnwrap(dom.components(separatedBy: "data-part=\"\(reject.id)\"").last?.components(separatedBy: "</figure>").first)
        let placed = figure.components(separatedBy: "class=\"box\"").dropFirst().filter { $0.contains("left: ") && $0.contains("width: ") }
        XCTAssertEqual(placed.count, reject.boxes.count, figure)
        let box = try XCTUnwrap(reject.boxes.first)
        XCTAssertTrue(figure.contains("left: \(Self.percent(box.x, of: 80))%"), figure)

        // And the pixels: the box outlines are drawn in the page's pure red.
        let shot = try temporaryDirectory(for: self).appendingPathComponent("page.png").path
        _ = try chromium(["--virtual-time-budget=4000", "--window-size=1100,1400", "--screenshot=\(shot)", url])
        let image = try ImageFile.readRGB(shot)
        var red = 0
        for index in stride(from: 0, to: image.pixels.count, by: 3)
            where image.pixels[index] > 230 && image.pixels[index + 1] < 30 && image.pixels[index + 2] < 30 { red += 1 }
        XCTAssertGreaterThan(red, 40, "box outlines on the screenshot")
    }

    /// As the page's script computes it: 100 * x / width, as JavaScript prints a number.
    static func percent(_ value: Int, of whole: Int) -> String {
        let number = 100 * Double(value) / Double(whole)
        return number == number.rounded() ? String(Int(number)) : "\(number)"
    }
}
